"""The curriculum kept by HQ: modules, materials, quiz questions; speakers; who may do what."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.training import curriculum_services as cs
from observe.training.models import ModuleMaterial, QuizQuestion, Speaker, TrainingModule
from observe.training.services import TrainingError

MODULE_FORM = {
    "code": "observer-ethics", "title_ru": "Этика наблюдателя", "title_kk": "Бақылаушы әдебі",
    "title_en": "An observer's ethics", "description_ru": "Нейтральность и вежливость",
    "description_kk": "", "description_en": "Neutrality and courtesy", "position": "5",
    "required_for_certification": "y", "quiz_size": "4", "pass_mark_percent": "75",
    "max_attempts": "2", "is_active": "y",
}


def question_form(text="Кто подписывает протокол?", *, multiple=False, options=(), **extra):
    """Form data for the question form: options as (ru text, correct) pairs."""
    data = {"text_ru": text, "text_kk": "", "text_en": "Who signs the protocol?", **extra}
    if multiple:
        data["multiple"] = "y"
    for index, (ru, correct) in enumerate(options):
        data[f"options-{index}-text_ru"] = ru
        data[f"options-{index}-text_en"] = f"{ru} (en)"
        if correct:
            data[f"options-{index}-correct"] = "y"
    return data


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


@pytest.fixture
def upload_folder(app, tmp_path):
    """Uploads of this test go to its own folder."""
    saved = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield Path(app.config["UPLOAD_FOLDER"])
    app.config["UPLOAD_FOLDER"] = saved


# Modules


def test_hq_creates_and_edits_a_module(client, login, modules):
    login("hq")
    page = client.get("/training/curriculum/?lang=en").get_data(as_text=True)
    assert "Rights and duties of an observer" in page

    response = client.post("/training/curriculum/new", data=MODULE_FORM)
    assert response.status_code == 302
    module = db.session.execute(select(TrainingModule).where(
        TrainingModule.code == "observer-ethics")).scalar_one()
    assert response.headers["Location"].endswith(f"/training/curriculum/{module.id}")
    assert module.title == {"ru": "Этика наблюдателя", "kk": "Бақылаушы әдебі",
                            "en": "An observer's ethics"}
    assert module.description == {"ru": "Нейтральность и вежливость",
                                  "en": "Neutrality and courtesy"}
    assert (module.position, module.quiz_size, module.pass_mark_percent,
            module.max_attempts) == (5, 4, 75, 2)

    edit = client.get(f"/training/curriculum/{module.id}/edit").get_data(as_text=True)
    assert 'value="Бақылаушы әдебі"' in edit
    changed = {**MODULE_FORM, "title_en": "Ethics", "pass_mark_percent": "90"}
    del changed["required_for_certification"]
    response = client.post(f"/training/curriculum/{module.id}/edit", data=changed)
    assert response.status_code == 302
    db.session.expire_all()
    module = db.session.get(TrainingModule, module.id)
    assert module.title["en"] == "Ethics"
    assert module.pass_mark_percent == 90
    assert module.required_for_certification is False

    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "training.module_update")).scalar_one()
    assert entry.object_id == str(module.id)
    assert entry.before["pass_mark_percent"] == 75
    assert entry.after["pass_mark_percent"] == 90
    assert "training.module_create" in audit_actions()

    page = client.get("/training/curriculum/?lang=en").get_data(as_text=True)
    assert "Ethics" in page


def test_russian_title_is_required(client, login):
    login("hq")
    data = {**MODULE_FORM, "title_ru": "", "title_en": "Kept as typed"}
    response = client.post("/training/curriculum/new?lang=en", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="title_ru-error"' in page
    assert 'value="Kept as typed"' in page
    assert 'value="observer-ethics"' in page
    assert db.session.execute(select(TrainingModule)).first() is None


def test_module_rules_in_the_service(app, make_user, modules):
    actor = make_user("hq")
    with pytest.raises(TrainingError) as error:
        cs.create_module(code="new-one", title={"en": "Only English"}, actor=actor)
    assert error.value.field == "title_ru"
    with pytest.raises(TrainingError) as error:
        cs.create_module(code=modules[0].code, title={"ru": "Дубль"}, actor=actor)
    assert error.value.field == "code"
    with pytest.raises(TrainingError) as error:
        cs.update_module(modules[0], pass_mark_percent=0, actor=actor)
    assert error.value.field == "pass_mark_percent"


# Materials


def test_link_material_is_added_and_a_bad_address_refused(client, login, modules):
    login("hq")
    module = modules[0]
    bad = client.post(f"/training/curriculum/{module.id}/materials?lang=en",
                      data={"link-title": "Slides", "link-url": "javascript:alert(1)"})
    assert bad.status_code == 200
    page = bad.get_data(as_text=True)
    assert "Enter a web address starting with http:// or https://." in page
    assert 'id="link-url-error"' in page
    assert db.session.execute(select(ModuleMaterial)).first() is None

    response = client.post(f"/training/curriculum/{module.id}/materials",
                           data={"link-title": "Slides",
                                 "link-url": "https://example.org/slides"})
    assert response.status_code == 302
    material = db.session.execute(select(ModuleMaterial)).scalar_one()
    assert (material.title, material.url, material.stored_name) == (
        "Slides", "https://example.org/slides", "")
    assert client.get(f"/training/materials/{material.id}").headers["Location"] == \
        "https://example.org/slides"
    assert "training.material_add" in audit_actions()


def test_file_material_is_uploaded_downloaded_and_removed(client, login, login_as, make_user,
                                                          modules, upload_folder):
    login("hq")
    module = modules[1]
    content = b"%PDF-1.4 rights and duties"
    response = client.post(
        f"/training/curriculum/{module.id}/materials",
        data={"file-title": "", "file-file": (io.BytesIO(content), "Права наблюдателя.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    material = db.session.execute(select(ModuleMaterial)).scalar_one()
    assert material.file_name == "Права наблюдателя.pdf"
    assert material.title == "Права наблюдателя.pdf"
    stored = upload_folder / "materials" / material.stored_name
    assert stored.read_bytes() == content
    assert material.stored_name.endswith(".pdf") and len(material.stored_name) == 36

    refused = client.post(
        f"/training/curriculum/{module.id}/materials?lang=en",
        data={"file-title": "Script", "file-file": (io.BytesIO(b"echo"), "run.sh")},
        content_type="multipart/form-data")
    assert refused.status_code == 200
    assert 'id="file-file-error"' in refused.get_data(as_text=True)

    observer = make_user("observer")
    login_as(observer)
    download = client.get(f"/training/materials/{material.id}")
    assert download.status_code == 200
    assert download.data == content
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''%D0%9F%D1%80%D0%B0%D0%B2%D0%B0" in disposition
    download.close()
    assert client.post(f"/training/curriculum/materials/{material.id}/delete").status_code == 403

    client.post("/logout")
    anonymous = client.get(f"/training/materials/{material.id}")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")

    login("hq")
    response = client.post(f"/training/curriculum/materials/{material.id}/delete")
    assert response.status_code == 302
    assert db.session.execute(select(ModuleMaterial)).first() is None
    assert not stored.exists()
    assert "training.material_remove" in audit_actions()
    assert client.get(f"/training/materials/{material.id}").status_code == 404


# Quiz questions


def test_single_choice_question_needs_exactly_one_correct_option(client, login, modules):
    login("hq")
    module = modules[3]
    url = f"/training/curriculum/{module.id}/questions/new?lang=en"
    two_correct = question_form(options=[("Председатель", True), ("Секретарь", True),
                                         ("Наблюдатель", False)])
    response = client.post(url, data=two_correct)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "A single-choice question needs exactly one correct option." in page
    assert 'value="Секретарь"' in page  # what was typed is kept
    assert db.session.execute(select(QuizQuestion)).first() is None

    one_option = question_form(options=[("Председатель", True)])
    assert "Give at least two options." in client.post(url, data=one_option).get_data(
        as_text=True)

    response = client.post(url, data=question_form(
        options=[("Все члены комиссии", True), ("Наблюдатель", False)]))
    assert response.status_code == 302
    question = db.session.execute(select(QuizQuestion)).scalar_one()
    assert question.module_id == module.id and question.multiple is False
    assert [(o.text["ru"], o.is_correct) for o in question.options] == [
        ("Все члены комиссии", True), ("Наблюдатель", False)]
    assert question.options[0].text["en"] == "Все члены комиссии (en)"
    assert "training.question_create" in audit_actions()


def test_multiple_choice_question_edit_and_deactivate(client, login, modules):
    login("hq")
    module = modules[0]
    url = f"/training/curriculum/{module.id}/questions/new?lang=en"
    none_correct = question_form("Что может наблюдатель?", multiple=True,
                                 options=[("Фотографировать", False), ("Голосовать", False)])
    assert "Mark at least one option as correct." in client.post(
        url, data=none_correct).get_data(as_text=True)

    response = client.post(url, data=question_form(
        "Что может наблюдатель?", multiple=True,
        options=[("Присутствовать при подсчёте", True), ("Знакомиться со списками", True),
                 ("Заполнять бюллетени", False)]))
    assert response.status_code == 302
    question = db.session.execute(select(QuizQuestion)).scalar_one()
    assert question.multiple is True
    assert [o.is_correct for o in question.options] == [True, True, False]
    option_ids = [o.id for o in question.options]

    edit_url = f"/training/curriculum/questions/{question.id}/edit"
    page = client.get(edit_url).get_data(as_text=True)
    assert 'value="Знакомиться со списками"' in page
    response = client.post(edit_url, data=question_form(
        "Что вправе делать наблюдатель?", multiple=True,
        options=[("Присутствовать при подсчёте", True), ("Знакомиться со списками", False)]))
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(QuizQuestion, question.id)
    assert question.text["ru"] == "Что вправе делать наблюдатель?"
    assert [o.id for o in question.options] == option_ids[:2]  # kept in place, the third gone
    assert [o.is_correct for o in question.options] == [True, False]

    module_page = client.get(f"/training/curriculum/{module.id}?lang=ru").get_data(as_text=True)
    assert "Что вправе делать наблюдатель?" in module_page
    assert module_page.count("text-bg-success") == 1  # the correct option is marked

    response = client.post(f"/training/curriculum/questions/{question.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuizQuestion, question.id).is_active is False
    assert "training.question_deactivate" in audit_actions()
    listing = client.get("/training/curriculum/?lang=en").get_data(as_text=True)
    assert "Active questions" in listing


# Speakers


def test_coordinator_adds_and_edits_a_speaker(client, login):
    login("coordinator")
    assert client.get("/training/speakers/").status_code == 200
    assert client.get("/training/speakers/new").status_code == 200
    refused = client.post("/training/speakers/new?lang=en", data={"name": "", "role": "Юрист"})
    assert refused.status_code == 200
    assert 'id="name-error"' in refused.get_data(as_text=True)

    response = client.post("/training/speakers/new", data={
        "name": "Айгерим Нурланова", "role": "Юрист", "bio": "Десять лет в наблюдении."})
    assert response.status_code == 302
    speaker = db.session.execute(select(Speaker)).scalar_one()
    assert (speaker.name, speaker.role) == ("Айгерим Нурланова", "Юрист")
    assert "Айгерим Нурланова" in client.get("/training/speakers/").get_data(as_text=True)

    response = client.post(f"/training/speakers/{speaker.id}/edit", data={
        "name": "Айгерим Нурланова", "role": "Политолог", "bio": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Speaker, speaker.id).role == "Политолог"
    assert audit_actions()[-2:] == ["training.speaker_create", "training.speaker_update"]


def test_observer_may_not_manage_speakers(client, login, app, make_user):
    speaker = cs.create_speaker(name="Speaker", actor=make_user("hq"))
    db.session.commit()
    login("observer")
    assert client.get("/training/speakers/").status_code == 403
    assert client.get("/training/speakers/new").status_code == 403
    assert client.post("/training/speakers/new", data={"name": "X"}).status_code == 403
    assert client.get(f"/training/speakers/{speaker.id}/edit").status_code == 403


# Who may open the curriculum


CURRICULUM_PAGES = ["/training/curriculum/", "/training/curriculum/new",
                    "/training/curriculum/{module}", "/training/curriculum/{module}/edit",
                    "/training/curriculum/{module}/questions/new"]


@pytest.mark.parametrize("role, expected", [("admin", 200), ("hq", 200), ("coordinator", 403),
                                            ("observer", 403)])
def test_curriculum_pages_by_role(client, login, modules, role, expected):
    login(role)
    for path in CURRICULUM_PAGES:
        assert client.get(path.format(module=modules[0].id)).status_code == expected, path


def test_coordinator_cannot_change_the_curriculum(client, login, modules):
    module = modules[0]
    login("coordinator")
    assert client.post("/training/curriculum/new", data=MODULE_FORM).status_code == 403
    assert client.post(f"/training/curriculum/{module.id}/materials", data={
        "link-title": "X", "link-url": "https://example.org"}).status_code == 403
    assert client.post(f"/training/curriculum/{module.id}/questions/new", data=question_form(
        options=[("a", True), ("b", False)])).status_code == 403
    assert db.session.execute(select(ModuleMaterial)).first() is None
    assert db.session.execute(select(TrainingModule).where(
        TrainingModule.code == "observer-ethics")).first() is None


def test_anonymous_is_sent_to_sign_in(client, modules):
    for path in [*CURRICULUM_PAGES, "/training/speakers/", "/training/speakers/new"]:
        response = client.get(path.format(module=modules[0].id))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_staff_links_and_navigation(client, login):
    login("coordinator")
    page = client.get("/training/sessions/?lang=en").get_data(as_text=True)
    assert 'href="/training/speakers/"' in page
    assert 'href="/training/curriculum/"' not in page
    assert 'href="/training/"' in page  # the Training item of the menu
    client.post("/logout")
    login("hq")
    page = client.get("/training/sessions/?lang=en").get_data(as_text=True)
    assert 'href="/training/curriculum/"' in page
