"""HQ's curriculum pages (modules, materials, quiz questions), material downloads, speakers."""


from flask import flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from observe.common.forms import attach_errors, required
from observe.extensions import db
from observe.permissions import requires
from observe.training import bp
from observe.training import curriculum_services as cs
from observe.training.models import (
    ModuleMaterial,
    QuizQuestion,
    Speaker,
    TrainingModule,
)
from observe.training.services import TrainingError

LANGS = cs.LANGUAGES
OPTION_SLOTS = 6  # options offered on the question form


def _number(label, default, low, high, description=None):
    return IntegerField(label, default=default, description=description, validators=[
        InputRequired(message=_l("This field is required.")), NumberRange(min=low, max=high)])


class ModuleForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), Length(max=64)],
                       description=_l("Lowercase Latin letters, digits and hyphens, e.g. "
                                      "count-and-protocol."))
    title_ru = StringField(_l("Title in Russian"), validators=[required(), Length(max=300)])
    title_kk = StringField(_l("Title in Kazakh"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    description_ru = TextAreaField(_l("Description in Russian"),
                                   validators=[Optional(), Length(max=5000)])
    description_kk = TextAreaField(_l("Description in Kazakh"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=5000)])
    position = _number(_l("Position in the curriculum"), 0, 0, 1000)
    required_for_certification = BooleanField(_l("Required for certification"), default=True)
    quiz_size = _number(_l("Questions in a quiz"), 5, 1, 100)
    pass_mark_percent = _number(_l("Pass mark, %"), 80, 1, 100)
    max_attempts = _number(_l("Attempts allowed"), 3, 1, 100)
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class LinkMaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    url = StringField(_l("Link"), validators=[required(), Length(max=1000)],
                      description=_l("Slides, a recording or a document online: an address "
                                     "starting with http:// or https://."),
                      render_kw={"inputmode": "url"})
    submit = SubmitField(_l("Add the link"))


class FileMaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("The file's name when left empty."))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, PowerPoint, Word, Excel, MP4, PNG or JPG."))
    submit = SubmitField(_l("Upload"))


class OptionForm(Form):
    """One answer option; a slot left empty is ignored."""

    text_ru = StringField(_l("Option in Russian"), validators=[Optional(), Length(max=500)])
    text_kk = StringField(_l("Option in Kazakh"), validators=[Optional(), Length(max=500)])
    text_en = StringField(_l("Option in English"), validators=[Optional(), Length(max=500)])
    correct = BooleanField(_l("Correct answer"))


class QuestionForm(FlaskForm):
    text_ru = TextAreaField(_l("Question in Russian"), validators=[required(), Length(max=2000)])
    text_kk = TextAreaField(_l("Question in Kazakh"), validators=[Optional(), Length(max=2000)])
    text_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=2000)])
    multiple = BooleanField(_l("Several options may be correct"),
                            description=_l("Otherwise exactly one option is correct."))
    options = FieldList(FormField(OptionForm), min_entries=OPTION_SLOTS)
    submit = SubmitField(_l("Save"))


class SpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)],
                       description=_l("E.g. lawyer, political scientist, blogger."))
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


def _actor():
    return current_user._get_current_object()


def _texts(form, prefix: str) -> dict:
    return {lang: getattr(form, f"{prefix}_{lang}").data or "" for lang in LANGS}


def _fail(form, error: TrainingError) -> None:
    """Undo the service's partial work and show its message next to the field it names."""
    db.session.rollback()
    attach_errors(form, {error.field or "__form__": str(error)})


# Modules


@bp.get("/curriculum/")
@requires("training.curriculum")
def curriculum():
    modules = db.session.execute(select(TrainingModule).order_by(
        TrainingModule.position, TrainingModule.id)).scalars().all()
    materials = dict(db.session.execute(select(ModuleMaterial.module_id, func.count())
                                        .group_by(ModuleMaterial.module_id)).all())
    questions = dict(db.session.execute(select(QuizQuestion.module_id, func.count())
                                        .where(QuizQuestion.is_active.is_(True))
                                        .group_by(QuizQuestion.module_id)).all())
    return render_template("training/curriculum/index.html", modules=modules,
                           materials=materials, questions=questions)


def _module_form(module: TrainingModule | None) -> ModuleForm:
    if module is None:
        return ModuleForm()
    data = {name: getattr(module, name) for name in cs.MODULE_FIELDS
            if name not in ("title", "description")}
    for lang in LANGS:
        data[f"title_{lang}"] = (module.title or {}).get(lang, "")
        data[f"description_{lang}"] = (module.description or {}).get(lang, "")
    return ModuleForm(data=data)


def _save_module(form: ModuleForm, module: TrainingModule | None) -> TrainingModule | None:
    if not form.validate_on_submit():
        return None
    fields = {name: getattr(form, name).data for name in cs.MODULE_FIELDS
              if name not in ("title", "description")}
    fields.update(title=_texts(form, "title"), description=_texts(form, "description"))
    try:
        if module is None:
            module = cs.create_module(actor=_actor(), **fields)
        else:
            cs.update_module(module, actor=_actor(), **fields)
    except TrainingError as error:
        _fail(form, error)
        return None
    db.session.commit()
    return module


@bp.route("/curriculum/new", methods=["GET", "POST"])
@requires("training.curriculum")
def new_module():
    form = _module_form(None)
    if (module := _save_module(form, None)) is not None:
        flash(_("Module added."), "success")
        return redirect(url_for("training.curriculum_module", module_id=module.id))
    return render_template("training/curriculum/module_edit.html", form=form, module=None)


@bp.route("/curriculum/<int:module_id>/edit", methods=["GET", "POST"])
@requires("training.curriculum")
def edit_module(module_id: int):
    module = db.get_or_404(TrainingModule, module_id)
    form = _module_form(module)
    if _save_module(form, module) is not None:
        flash(_("Changes saved."), "success")
        return redirect(url_for("training.curriculum_module", module_id=module.id))
    return render_template("training/curriculum/module_edit.html", form=form, module=module)


def _module_page(module: TrainingModule, link_form=None, file_form=None):
    return render_template(
        "training/curriculum/module.html", module=module,
        link_form=link_form or LinkMaterialForm(prefix="link", formdata=None),
        file_form=file_form or FileMaterialForm(prefix="file", formdata=None),
        active_questions=sum(q.is_active for q in module.questions))


@bp.get("/curriculum/<int:module_id>")
@requires("training.curriculum")
def curriculum_module(module_id: int):
    return _module_page(db.get_or_404(TrainingModule, module_id))


# Materials


@bp.post("/curriculum/<int:module_id>/materials")
@requires("training.curriculum")
def add_material(module_id: int):
    module = db.get_or_404(TrainingModule, module_id)
    # The two forms on the module page share this address; the upload one sends a file part.
    if request.files or "file-title" in request.form:
        form = FileMaterialForm(prefix="file")
        forms = {"file_form": form}
    else:
        form = LinkMaterialForm(prefix="link")
        forms = {"link_form": form}
    if form.validate_on_submit():
        try:
            if isinstance(form, FileMaterialForm):
                upload = form.file.data
                cs.add_file_material(module, title=form.title.data or "",
                                     filename=upload.filename or "", stream=upload.stream,
                                     actor=_actor())
            else:
                cs.add_link_material(module, title=form.title.data, url=form.url.data,
                                     actor=_actor())
        except TrainingError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("Material added."), "success")
            return redirect(url_for("training.curriculum_module", module_id=module.id,
                                    _anchor="materials"))
    return _module_page(module, **forms)


@bp.post("/curriculum/materials/<int:material_id>/delete")
@requires("training.curriculum")
def delete_material(material_id: int):
    material = db.get_or_404(ModuleMaterial, material_id)
    module_id = material.module_id
    cs.remove_material(material, actor=_actor())
    db.session.commit()
    flash(_("Material removed."), "success")
    return redirect(url_for("training.curriculum_module", module_id=module_id,
                            _anchor="materials"))


@bp.get("/materials/<int:material_id>")
@login_required
def material(material_id: int):
    material = db.get_or_404(ModuleMaterial, material_id)
    if not material.stored_name:
        return redirect(material.url)
    return send_from_directory(cs.materials_folder(), material.stored_name, as_attachment=True,
                               download_name=material.file_name or material.stored_name)


# Quiz questions


def _question_form(question: QuizQuestion | None) -> QuestionForm:
    if question is None:
        return QuestionForm()
    data = {f"text_{lang}": (question.text or {}).get(lang, "") for lang in LANGS}
    data["multiple"] = question.multiple
    data["options"] = [
        {**{f"text_{lang}": (option.text or {}).get(lang, "") for lang in LANGS},
         "correct": option.is_correct}
        for option in question.options]
    return QuestionForm(data=data)


def _save_question(form: QuestionForm, module: TrainingModule,
                   question: QuizQuestion | None) -> str | None:
    """Validate and save; returns None when saved, else the message about the options (or "")."""
    if not form.validate_on_submit():
        return ""
    fields = {
        "text": _texts(form, "text"), "multiple": form.multiple.data,
        "options": [{"text": _texts(entry.form, "text"), "is_correct": entry.form.correct.data}
                    for entry in form.options],
    }
    try:
        if question is None:
            cs.create_question(module, actor=_actor(), **fields)
        else:
            cs.update_question(question, actor=_actor(), **fields)
    except TrainingError as error:
        if error.field == "options":
            db.session.rollback()
            return str(error)  # about the options as a whole, shown above them
        _fail(form, error)
        return ""
    db.session.commit()
    return None


def _question_page(form, module, question, options_error):
    return render_template("training/curriculum/question_edit.html", form=form, module=module,
                           question=question, options_error=options_error)


@bp.route("/curriculum/<int:module_id>/questions/new", methods=["GET", "POST"])
@requires("training.curriculum")
def new_question(module_id: int):
    module = db.get_or_404(TrainingModule, module_id)
    form = _question_form(None)
    options_error = ""
    if request.method == "POST":
        options_error = _save_question(form, module, None)
        if options_error is None:
            flash(_("Question added."), "success")
            return redirect(url_for("training.curriculum_module", module_id=module.id,
                                    _anchor="questions"))
    return _question_page(form, module, None, options_error)


@bp.route("/curriculum/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires("training.curriculum")
def edit_question(question_id: int):
    question = db.get_or_404(QuizQuestion, question_id)
    module = question.module
    form = _question_form(question)
    options_error = ""
    if request.method == "POST":
        options_error = _save_question(form, module, question)
        if options_error is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("training.curriculum_module", module_id=module.id,
                                    _anchor="questions"))
    return _question_page(form, module, question, options_error)


@bp.post("/curriculum/questions/<int:question_id>/deactivate")
@requires("training.curriculum")
def deactivate_question(question_id: int):
    question = db.get_or_404(QuizQuestion, question_id)
    cs.deactivate_question(question, actor=_actor())
    db.session.commit()
    flash(_("The question is no longer used in new quizzes."), "success")
    return redirect(url_for("training.curriculum_module", module_id=question.module_id,
                            _anchor="questions"))


# Speakers


# Coordinators add the speakers of their own sessions (every curriculum editor holds
# "training.sessions" too); the records are shared by all branches.
@bp.get("/speakers/")
@requires("training.sessions")
def speakers():
    rows = db.session.execute(select(Speaker).order_by(Speaker.name)).scalars().all()
    return render_template("training/speakers/index.html", speakers=rows)


def _save_speaker(form: SpeakerForm, speaker: Speaker | None) -> Speaker | None:
    if not form.validate_on_submit():
        return None
    fields = {"name": form.name.data, "role": form.role.data or "", "bio": form.bio.data or ""}
    try:
        if speaker is None:
            speaker = cs.create_speaker(actor=_actor(), **fields)
        else:
            cs.update_speaker(speaker, actor=_actor(), **fields)
    except TrainingError as error:
        _fail(form, error)
        return None
    db.session.commit()
    return speaker


@bp.route("/speakers/new", methods=["GET", "POST"])
@requires("training.sessions")
def new_speaker():
    form = SpeakerForm()
    if _save_speaker(form, None) is not None:
        flash(_("Speaker added."), "success")
        return redirect(url_for("training.speakers"))
    return render_template("training/speakers/edit.html", form=form, speaker=None)


@bp.route("/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@requires("training.sessions")
def edit_speaker(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    form = SpeakerForm(obj=speaker)
    if _save_speaker(form, speaker) is not None:
        flash(_("Changes saved."), "success")
        return redirect(url_for("training.speakers"))
    return render_template("training/speakers/edit.html", form=form, speaker=speaker)
