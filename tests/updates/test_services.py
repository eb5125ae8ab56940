"""The post workflow through the services: scope, versions, audit, HQ's steps, scheduling,
photos and video files, and incident evidence cleared for the public."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.extensions import db
from observe.reports.models import Evidence
from observe.updates import services
from observe.updates.models import Post, PostVersion
from observe.updates.rules import MAX_PHOTOS, PostError
from tests.updates.conftest import photo


def _actions(post) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "update_post", AuditEntry.object_id == str(post.id))
        .order_by(AuditEntry.id)))


def test_a_coordinator_posts_for_their_own_region_only(world):
    post = services.submit_post(region="karaganda", title="Opened", body="On time.",
                                actor=world.coordinator)
    assert post.status == "submitted" and post.branch_id == world.coordinator.branch_id
    with pytest.raises(PostError):
        services.submit_post(region="almaty", title="Not mine", actor=world.coordinator)
    with pytest.raises(PostError):
        services.submit_post(region="", title="National", actor=world.coordinator)


def test_the_station_and_incident_must_be_of_the_posts_region(world):
    with pytest.raises(PostError) as error:
        services.submit_post(region="karaganda", title="Queue", station_id=world.other_station.id,
                             actor=world.coordinator)
    assert "station_id" in error.value.fields
    post = services.submit_post(region="karaganda", title="Queue", station_id=world.station.id,
                                actor=world.coordinator)
    assert post.station_id == world.station.id and post.election_id == world.election.id


def test_title_and_video_link_are_checked(world):
    with pytest.raises(PostError) as error:
        services.submit_post(region="karaganda", title=" ", video_url="https://vimeo.com/1",
                             actor=world.coordinator)
    assert set(error.value.fields) >= {"title"}
    with pytest.raises(PostError) as error:
        services.submit_post(region="karaganda", title="Stream", video_url="https://vimeo.com/1",
                             actor=world.coordinator)
    assert "video_url" in error.value.fields


def test_every_step_is_versioned_and_audited(world, make_post):
    post = make_post(to="submitted")
    services.return_post(post, comment="Say which station.", actor=world.hq)
    assert post.status == "returned" and post.review_comment == "Say which station."
    with pytest.raises(PostError):
        services.approve_post(post, actor=world.hq)  # only a submitted post is approved
    services.update_post(post, title="Station 101 opened on time", body="At 07:00.",
                         actor=world.coordinator)
    assert post.status == "submitted"  # back to HQ
    services.approve_post(post, actor=world.hq)
    with pytest.raises(PostError):
        services.update_post(post, title="Changed after approval", actor=world.coordinator)
    services.update_post(post, title="Station 101 opened at 07:00", body="HQ's edit.",
                         actor=world.hq)
    assert post.status == "approved"
    services.publish_post(post, actor=world.hq)
    services.pin_post(post, pinned=True, actor=world.hq)
    services.withdraw_post(post, actor=world.hq)
    db.session.commit()

    versions = db.session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)
                                  .order_by(PostVersion.version)).all()
    assert [v.action for v in versions] == ["submit", "return", "edit", "approve", "edit",
                                            "publish", "pin", "withdraw"]
    assert [v.version for v in versions] == list(range(1, 9)) and post.version == 8
    assert versions[0].title == "Stations opened on time"
    assert versions[2].title == "Station 101 opened on time" and versions[2].status == "submitted"
    assert versions[1].comment == "Say which station."
    assert _actions(post) == ["post.submit", "post.return", "post.update", "post.approve",
                              "post.update", "post.publish", "post.pin", "post.withdraw"]


def test_only_hq_approves_publishes_and_pins(world, make_post):
    post = make_post(to="submitted")
    for step in (services.approve_post, services.withdraw_post):
        with pytest.raises(PostError):
            step(post, actor=world.coordinator)
    with pytest.raises(PostError):
        services.pin_post(post, pinned=True, actor=world.coordinator)
    with pytest.raises(PostError):
        services.return_post(post, comment="x", actor=world.coordinator)
    with pytest.raises(PostError) as error:
        services.return_post(post, comment="  ", actor=world.hq)
    assert "comment" in error.value.fields
    with pytest.raises(PostError):
        services.publish_post(post, actor=world.hq)  # not approved yet


def test_a_coordinator_cannot_touch_another_regions_post(world, make_post):
    post = make_post(to="submitted", region="almaty")
    with pytest.raises(PostError):
        services.update_post(post, title="Mine now", actor=world.coordinator)


def test_scheduled_publication(world, make_post):
    later = utcnow() + timedelta(hours=3)
    post = make_post(to="published", publish_at=later)
    assert post.status == "published" and post.publish_at == later
    assert not post.is_public() and post.is_public(later + timedelta(seconds=1))
    past = make_post(to="published", title="Past", publish_at=utcnow() - timedelta(days=1))
    assert past.publish_at > utcnow() - timedelta(minutes=1)  # a past time means now


def test_photos_and_a_video_file(world, app):
    video = FileStorage(io.BytesIO(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200),
                        filename="stream.mp4")
    post = services.submit_post(region="karaganda", title="Pictures", actor=world.coordinator,
                                photos=[photo(), photo(colour=(0, 0, 200))], video=video)
    db.session.commit()
    assert [m.kind for m in post.media] == ["photo", "photo", "video"]
    assert all(m.storage_name and len(m.sha256) == 64 for m in post.media)
    with pytest.raises(PostError) as error:
        services.update_post(post, title="More", actor=world.coordinator,
                             photos=[photo() for _ in range(MAX_PHOTOS)])
    assert "photos" in error.value.fields
    db.session.rollback()
    fake = FileStorage(io.BytesIO(b"<html>not a photo</html>"), filename="x.jpg")
    with pytest.raises(PostError) as error:
        services.update_post(post, title="Fake", actor=world.coordinator, photos=[fake])
    assert "photos" in error.value.fields
    db.session.rollback()
    services.remove_media(db.session.get(Post, post.id).media[0], actor=world.coordinator)
    assert [m.kind for m in post.media] == ["photo", "video"]


def test_evidence_is_used_only_after_hq_clears_it(world, incident_photo):
    incident, evidence = incident_photo
    post = services.submit_post(region="karaganda", title="Ballots in box 2",
                                incident_id=incident.id, actor=world.coordinator)
    with pytest.raises(PostError):  # a coordinator cannot make it public
        services.use_evidence(post, evidence, confirmed=True, actor=world.coordinator)
    with pytest.raises(PostError) as error:  # HQ must confirm faces and plates were checked
        services.use_evidence(post, evidence, confirmed=False, actor=world.hq)
    assert "confirm" in error.value.fields
    item = services.use_evidence(post, evidence, confirmed=True, actor=world.hq)
    db.session.commit()
    assert db.session.get(Evidence, evidence.id).public_at is not None
    assert item.evidence_id == evidence.id and item.storage_name is None
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "evidence.make_public")) is not None
    with pytest.raises(PostError):
        services.use_evidence(post, evidence, confirmed=True, actor=world.hq)  # already in
    other = services.submit_post(region="karaganda", title="Again", incident_id=incident.id,
                                 actor=world.coordinator)
    services.use_evidence(other, evidence, confirmed=False, actor=world.coordinator)  # public
    assert [m.evidence_id for m in other.media] == [evidence.id]
