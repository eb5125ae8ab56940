"""The curriculum kept by HQ: modules, their materials and quiz questions, and speakers."""

import re
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.audit.services import record, snapshot
from observe.common import files
from observe.extensions import db
from observe.training.models import (
    ModuleMaterial,
    QuizOption,
    QuizQuestion,
    Speaker,
    TrainingModule,
)
from observe.training.services import TrainingError

LANGUAGES = ("ru", "kk", "en")
MODULE_FIELDS = ("code", "title", "description", "position", "required_for_certification",
                 "quiz_size", "pass_mark_percent", "max_attempts", "is_active")
MATERIAL_EXTENSIONS = frozenset({"pdf", "pptx", "ppt", "docx", "doc", "xlsx", "mp4", "png",
                                 "jpg"})
# What their content must be (observe.common.files sniffs it): a .pdf must really be a PDF.
MATERIAL_KINDS = frozenset(files.EXTENSIONS[ext] for ext in MATERIAL_EXTENSIONS)
MATERIALS_AREA = "materials"
MIN_OPTIONS = 2
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _texts(values: dict | None) -> dict:
    """Texts per language, trimmed, with empty languages left out."""
    values = values or {}
    return {lang: (values.get(lang) or "").strip() for lang in LANGUAGES
            if (values.get(lang) or "").strip()}


def _check_module(fields: dict, module: TrainingModule | None) -> None:
    code = fields.get("code") or ""
    if not code:
        raise TrainingError(_("Enter a code."), "code")
    if not CODE_PATTERN.match(code):
        raise TrainingError(_("Use lowercase Latin letters, digits and hyphens."), "code")
    taken = db.session.scalar(select(func.count()).select_from(TrainingModule).where(
        TrainingModule.code == code,
        TrainingModule.id != (module.id if module is not None else -1)))
    if taken:
        raise TrainingError(_("Another module has this code."), "code")
    if not fields["title"].get("ru"):
        raise TrainingError(_("Enter the title in Russian."), "title_ru")
    if not 1 <= (fields.get("quiz_size") or 0) <= 100:
        raise TrainingError(_("The quiz needs between 1 and 100 questions."), "quiz_size")
    if not 1 <= (fields.get("pass_mark_percent") or 0) <= 100:
        raise TrainingError(_("The pass mark is a percentage from 1 to 100."),
                            "pass_mark_percent")
    if (fields.get("max_attempts") or 0) < 1:
        raise TrainingError(_("Allow at least one attempt."), "max_attempts")


def _module_fields(fields: dict, base: dict) -> dict:
    merged = base | {k: v for k, v in fields.items() if k in MODULE_FIELDS}
    merged["code"] = (merged.get("code") or "").strip().lower()
    merged["title"] = _texts(merged.get("title"))
    merged["description"] = _texts(merged.get("description"))
    return merged


def create_module(*, actor, **fields) -> TrainingModule:
    """Add a module to the curriculum (titles and descriptions in ru, kk and en)."""
    defaults = {"position": 0, "required_for_certification": True, "quiz_size": 5,
                "pass_mark_percent": 80, "max_attempts": 3, "is_active": True}
    merged = _module_fields(fields, defaults)
    _check_module(merged, None)
    module = TrainingModule(**merged)
    db.session.add(module)
    db.session.flush()
    record("training.module_create", module, actor=actor, summary=module.code,
           after=snapshot(module, MODULE_FIELDS))
    return module


def update_module(module: TrainingModule, *, actor, **fields) -> TrainingModule:
    """Change a module; quiz settings apply to attempts started afterwards."""
    before = snapshot(module, MODULE_FIELDS)
    merged = _module_fields(fields, before)
    _check_module(merged, module)
    for name in MODULE_FIELDS:
        setattr(module, name, merged[name])
    db.session.flush()
    record("training.module_update", module, actor=actor, summary=module.code, before=before,
           after=snapshot(module, MODULE_FIELDS))
    return module


def materials_folder() -> Path:
    """Where uploaded materials are kept (created on first use)."""
    return files.folder(MATERIALS_AREA)


def _check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or any(c.isspace() for c in url):
        raise TrainingError(_("Enter a web address starting with http:// or https://."), "url")
    if len(url) > 1000:
        raise TrainingError(_("The address is too long."), "url")
    return url


def add_link_material(module: TrainingModule, *, title: str, url: str, actor) -> ModuleMaterial:
    """Attach a link (slides online, a recording) to a module."""
    title = (title or "").strip()
    if not title:
        raise TrainingError(_("Enter a title."), "title")
    material = ModuleMaterial(module_id=module.id, title=title[:200], url=_check_url(url))
    db.session.add(material)
    db.session.flush()
    record("training.material_add", material, actor=actor, summary=material.title,
           after={"module_id": module.id, "title": material.title, "url": material.url})
    return material


def add_file_material(module: TrainingModule, *, title: str, filename: str, stream: BinaryIO,
                      actor) -> ModuleMaterial:
    """Store an uploaded file through observe.common.files (type sniffed from the content, size
    limit, SHA-256, random name) and attach it; the original name is kept."""
    try:
        stored = files.store(stream, kinds=MATERIAL_KINDS, area=MATERIALS_AREA,
                             filename=filename)
    except files.FileRefused as error:
        raise TrainingError(error.message, "file") from None
    original = stored.filename
    material = ModuleMaterial(module_id=module.id, title=((title or "").strip() or original)[:200],
                              file_name=original, stored_name=stored.name)
    db.session.add(material)
    db.session.flush()
    record("training.material_add", material, actor=actor, summary=material.title,
           after={"module_id": module.id, "title": material.title, "file_name": original,
                  "size": stored.size, "sha256": stored.sha256})
    return material


def material_path(material: ModuleMaterial) -> Path | None:
    """The stored file of a material, or None for a link."""
    return files.path_of(MATERIALS_AREA, material.stored_name) if material.stored_name else None


def remove_material(material: ModuleMaterial, *, actor) -> None:
    """Detach a material from its module and delete its stored file."""
    before = {"module_id": material.module_id, "title": material.title, "url": material.url,
              "file_name": material.file_name}
    path = material_path(material)
    record("training.material_remove", material, actor=actor, summary=material.title,
           before=before)
    db.session.delete(material)
    db.session.flush()
    if path is not None:
        # The row goes with the request's commit; a file left behind by a rollback is harmless,
        # a row without its file would not be, so the file goes after the row's delete flushed.
        path.unlink(missing_ok=True)


def _clean_options(options: list[dict], multiple: bool) -> list[dict]:
    cleaned = []
    for option in options or []:
        text = _texts(option.get("text"))
        if not text:
            if option.get("is_correct"):
                raise TrainingError(_("An option marked correct has no text."), "options")
            continue  # an unused slot of the form
        if not text.get("ru"):
            raise TrainingError(_("Every option needs its Russian text."), "options")
        cleaned.append({"text": text, "is_correct": bool(option.get("is_correct"))})
    if len(cleaned) < MIN_OPTIONS:
        raise TrainingError(_("Give at least two options."), "options")
    correct = sum(option["is_correct"] for option in cleaned)
    if multiple and correct < 1:
        raise TrainingError(_("Mark at least one option as correct."), "options")
    if not multiple and correct != 1:
        raise TrainingError(_("A single-choice question needs exactly one correct option."),
                            "options")
    return cleaned


def _question_state(question: QuizQuestion) -> dict:
    return {"text": question.text, "multiple": question.multiple, "is_active": question.is_active,
            "options": [{"text": o.text, "is_correct": o.is_correct} for o in question.options]}


def _set_question(question: QuizQuestion, text: dict, multiple: bool, options: list[dict]):
    text = _texts(text)
    if not text.get("ru"):
        raise TrainingError(_("Enter the question in Russian."), "text_ru")
    cleaned = _clean_options(options, multiple)
    question.text = text
    question.multiple = bool(multiple)
    # Options are changed in place, in order, so their ids (kept in past attempts' answers)
    # stay with the same option wherever possible.
    existing = list(question.options)
    for index, option in enumerate(cleaned):
        if index < len(existing):
            existing[index].text = option["text"]
            existing[index].is_correct = option["is_correct"]
        else:
            question.options.append(QuizOption(text=option["text"],
                                               is_correct=option["is_correct"]))
    for extra in existing[len(cleaned):]:
        question.options.remove(extra)


def create_question(module: TrainingModule, *, text: dict, multiple: bool, options: list[dict],
                    actor) -> QuizQuestion:
    """Add a quiz question with its options: [{"text": {...}, "is_correct": bool}, ...]."""
    question = QuizQuestion(module_id=module.id, is_active=True)
    _set_question(question, text, multiple, options)
    db.session.add(question)
    db.session.flush()
    record("training.question_create", question, actor=actor,
           summary=question.text.get("ru", "")[:200], after=_question_state(question))
    return question


def update_question(question: QuizQuestion, *, text: dict, multiple: bool, options: list[dict],
                    actor) -> QuizQuestion:
    """Change a question's wording, kind or options (quizzes already taken keep their scores)."""
    before = _question_state(question)
    _set_question(question, text, multiple, options)
    db.session.flush()
    record("training.question_update", question, actor=actor,
           summary=question.text.get("ru", "")[:200], before=before,
           after=_question_state(question))
    return question


def deactivate_question(question: QuizQuestion, *, actor) -> QuizQuestion:
    """Take a question out of new quizzes; past attempts keep referring to it."""
    if not question.is_active:
        return question
    question.is_active = False
    db.session.flush()
    record("training.question_deactivate", question, actor=actor,
           summary=question.text.get("ru", "")[:200], before={"is_active": True},
           after={"is_active": False})
    return question


SPEAKER_FIELDS = ("name", "role", "bio")


def _speaker_fields(name: str, role: str, bio: str) -> dict:
    fields = {"name": (name or "").strip(), "role": (role or "").strip(),
              "bio": (bio or "").strip()}
    if not fields["name"]:
        raise TrainingError(_("Enter the speaker's name."), "name")
    if len(fields["name"]) > 200:
        raise TrainingError(_("The name is too long."), "name")
    if len(fields["role"]) > 200:
        raise TrainingError(_("The role is too long."), "role")
    return fields


def create_speaker(*, name: str, role: str = "", bio: str = "", actor) -> Speaker:
    """Keep a speaker (trainer, lawyer, blogger) for reuse across sessions."""
    speaker = Speaker(**_speaker_fields(name, role, bio))
    db.session.add(speaker)
    db.session.flush()
    record("training.speaker_create", speaker, actor=actor, summary=speaker.name,
           after=snapshot(speaker, SPEAKER_FIELDS))
    return speaker


def update_speaker(speaker: Speaker, *, name: str, role: str = "", bio: str = "",
                   actor) -> Speaker:
    """Change a speaker's name, role or bio (shown on every session they speak at)."""
    before = snapshot(speaker, SPEAKER_FIELDS)
    for key, value in _speaker_fields(name, role, bio).items():
        setattr(speaker, key, value)
    db.session.flush()
    record("training.speaker_update", speaker, actor=actor, summary=speaker.name,
           before=before, after=snapshot(speaker, SPEAKER_FIELDS))
    return speaker
