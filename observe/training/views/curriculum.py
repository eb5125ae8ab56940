"""HQ's curriculum pages (modules, materials, quiz questions), material downloads, speakers."""


from flask import flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from observe.common.forms import service_errors
from observe.extensions import db
from observe.permissions import requires
from observe.training import bp
from observe.training import curriculum_services as cs
from observe.training.forms import (
    FileMaterialForm,
    LinkMaterialForm,
    SpeakerForm,
    module_form,
    question_form,
    texts,
)
from observe.training.models import ModuleMaterial, QuizQuestion, Speaker, TrainingModule
from observe.training.queries import all_speakers, curriculum_overview


def _actor():
    return current_user._get_current_object()


# Modules


@bp.get("/curriculum/")
@requires("training.curriculum")
def curriculum():
    modules, materials, questions = curriculum_overview()
    return render_template("training/curriculum/index.html", modules=modules,
                           materials=materials, questions=questions)


def _save_module(form, module: TrainingModule | None) -> TrainingModule | None:
    if not form.validate_on_submit():
        return None
    fields = {name: getattr(form, name).data for name in cs.MODULE_FIELDS
              if name not in ("title", "description")}
    fields.update(title=texts(form, "title"), description=texts(form, "description"))
    with service_errors(form) as outcome:
        if module is None:
            module = cs.create_module(actor=_actor(), **fields)
        else:
            cs.update_module(module, actor=_actor(), **fields)
    return module if outcome.ok else None


@bp.route("/curriculum/new", methods=["GET", "POST"])
@requires("training.curriculum")
def new_module():
    form = module_form(None)
    if (module := _save_module(form, None)) is not None:
        flash(_("Module added."), "success")
        return redirect(url_for("training.curriculum_module", module_id=module.id))
    return render_template("training/curriculum/module_edit.html", form=form, module=None)


@bp.route("/curriculum/<int:module_id>/edit", methods=["GET", "POST"])
@requires("training.curriculum")
def edit_module(module_id: int):
    module = db.get_or_404(TrainingModule, module_id)
    form = module_form(module)
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
        with service_errors(form) as outcome:
            if isinstance(form, FileMaterialForm):
                upload = form.file.data
                cs.add_file_material(module, title=form.title.data or "",
                                     filename=upload.filename or "", stream=upload.stream,
                                     actor=_actor())
            else:
                cs.add_link_material(module, title=form.title.data, url=form.url.data,
                                     actor=_actor())
        if outcome.ok:
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


def _save_question(form, module: TrainingModule, question: QuizQuestion | None) -> str | None:
    """Validate and save; returns None when saved, else the message about the options (or "")."""
    if not form.validate_on_submit():
        return ""
    fields = {
        "text": texts(form, "text"), "multiple": form.multiple.data,
        "options": [{"text": texts(entry.form, "text"), "is_correct": entry.form.correct.data}
                    for entry in form.options],
    }
    with service_errors(form) as outcome:
        if question is None:
            cs.create_question(module, actor=_actor(), **fields)
        else:
            cs.update_question(question, actor=_actor(), **fields)
    if outcome.ok:
        return None
    # About the options as a whole: shown above them rather than above the form.
    options = outcome.error.fields.get("options", [])
    form.form_errors[:] = [m for m in form.form_errors if m not in options]
    return " ".join(options)


def _question_page(form, module, question, options_error):
    return render_template("training/curriculum/question_edit.html", form=form, module=module,
                           question=question, options_error=options_error)


@bp.route("/curriculum/<int:module_id>/questions/new", methods=["GET", "POST"])
@requires("training.curriculum")
def new_question(module_id: int):
    module = db.get_or_404(TrainingModule, module_id)
    form = question_form(None)
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
    form = question_form(question)
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
    flash(_("The question is no longer used in new quizzes."), "success")
    return redirect(url_for("training.curriculum_module", module_id=question.module_id,
                            _anchor="questions"))


# Speakers


# Coordinators add the speakers of their own sessions (every curriculum editor holds
# "training.sessions" too); the records are shared by all branches.
@bp.get("/speakers/")
@requires("training.sessions")
def speakers():
    return render_template("training/speakers/index.html", speakers=all_speakers())


def _save_speaker(form: SpeakerForm, speaker: Speaker | None) -> Speaker | None:
    if not form.validate_on_submit():
        return None
    fields = {"name": form.name.data, "role": form.role.data or "", "bio": form.bio.data or ""}
    with service_errors(form) as outcome:
        if speaker is None:
            speaker = cs.create_speaker(actor=_actor(), **fields)
        else:
            cs.update_speaker(speaker, actor=_actor(), **fields)
    return speaker if outcome.ok else None


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
