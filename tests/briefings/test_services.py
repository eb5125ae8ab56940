"""Building, reviewing, publishing (the freeze), re-issuing and the change since the previous
briefing; and who may do it."""

import pytest

from observe.briefings import services
from observe.briefings.services import BriefingError, figures_of
from observe.common.errors import DomainError
from observe.extensions import db
from observe.reports.models import Incident
from tests.briefings.conftest import add_report, local


@pytest.fixture
def hq(make_user):
    return make_user("hq")


def publish(briefing, actor):
    services.review_briefing(briefing, actor=actor)
    services.publish_briefing(briefing, actor=actor)
    db.session.commit()
    return briefing


def test_a_draft_has_live_numbers_and_a_narrative(briefing_day, hq):
    briefing = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                        language="en", actor=hq)
    db.session.commit()
    assert briefing.status == "draft" and briefing.version == 1
    assert briefing.series == briefing.id
    assert briefing.narrative.startswith("As of 14:00, observers were present at 2 of 5")
    assert figures_of(briefing)["incidents"]["totals"]["total"] == 4
    assert briefing.figures is None


def test_publishing_freezes_the_numbers(briefing_day, hq):
    briefing = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                        language="en", actor=hq)
    publish(briefing, hq)
    assert briefing.status == "published" and briefing.published_at is not None
    # Later: HQ verifies i2 and a late-arriving report is stored with an early time.
    briefing_day.incidents["i2"].status = "verified"
    add_report(Incident, briefing_day, "K3", "o1", local(13, 59), category="vote_buying",
               severity="high", status="verified", description="Late report.")
    db.session.commit()
    db.session.expire_all()
    frozen = figures_of(briefing)
    assert frozen["incidents"]["totals"] == {"total": 4, "verified": 2, "unverified": 1,
                                             "rejected": 1, "duplicate": 0}
    assert services.live_figures(briefing)["incidents"]["totals"]["verified"] == 4
    with pytest.raises(BriefingError):
        services.update_briefing(briefing, narrative="changed", title="", cutoff=local(14),
                                 language="en", actor=hq)


def test_reissue_makes_the_next_version(briefing_day, hq):
    first = publish(services.create_briefing(briefing_day.election, region="",
                                             cutoff=local(14), language="en", actor=hq), hq)
    second = services.reissue_briefing(first, actor=hq)
    db.session.commit()
    assert (second.series, second.version, second.status) == (first.id, 2, "draft")
    with pytest.raises(DomainError):
        services.reissue_briefing(first, actor=hq)  # v2 is already being prepared
    briefing_day.incidents["i2"].status = "verified"
    publish(second, hq)
    assert figures_of(first)["incidents"]["totals"]["verified"] == 2
    assert figures_of(second)["incidents"]["totals"]["verified"] == 3


def test_change_since_the_previous_briefing_of_the_same_scope(briefing_day, hq):
    noon = publish(services.create_briefing(briefing_day.election, region="", cutoff=local(12),
                                            language="en", actor=hq), hq)
    # A regional briefing is another scope: not the previous one of the country.
    publish(services.create_briefing(briefing_day.election, region="karaganda",
                                     cutoff=local(13), language="en", actor=hq), hq)
    later = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                     language="en", actor=hq)
    db.session.commit()
    figures = figures_of(later)
    assert figures["previous"]["id"] == noon.id
    assert figures["changes"]["incidents"] == {"now": 4, "before": 3, "delta": 1}
    assert figures["changes"]["protocol_mismatches"] == {"now": 1, "before": 0, "delta": 1}
    publish(later, hq)
    assert later.previous_id == noon.id


def test_workflow_order(briefing_day, hq):
    briefing = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                        language="en", actor=hq)
    with pytest.raises(BriefingError):
        services.publish_briefing(briefing, actor=hq)  # not reviewed yet
    services.review_briefing(briefing, actor=hq)
    # An edit sends a reviewed briefing back to draft.
    services.update_briefing(briefing, narrative="Edited by staff.", title="Noon",
                             cutoff=local(14), language="en", actor=hq)
    assert briefing.status == "draft" and briefing.narrative == "Edited by staff."


def test_scope_and_rules(briefing_day, make_user):
    coordinator = make_user("coordinator", branch=briefing_day.branches["karaganda"])
    election = briefing_day.election
    with pytest.raises(BriefingError):
        services.create_briefing(election, region="", cutoff=local(14), language="en",
                                 actor=coordinator)
    with pytest.raises(BriefingError):
        services.create_briefing(election, region="almaty", cutoff=local(14), language="en",
                                 actor=coordinator)
    own = services.create_briefing(election, region="karaganda", cutoff=local(14),
                                   language="ru", actor=coordinator)
    services.review_briefing(own, actor=coordinator)
    with pytest.raises(BriefingError):
        services.publish_briefing(own, actor=coordinator)  # HQ publishes
    with pytest.raises(BriefingError) as refused:
        services.create_briefing(election, region="", cutoff=None, language="de",
                                 actor=make_user("hq"))
    assert set(refused.value.fields) == {"cutoff", "language"}
