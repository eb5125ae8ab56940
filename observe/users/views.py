from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from observe.auth import services
from observe.auth.models import User
from observe.branches.models import Branch
from observe.common.forms import service_errors
from observe.common.pagination import paginate
from observe.extensions import db
from observe.permissions import requires
from observe.users import bp
from observe.users.forms import UserFilterForm, UserForm
from observe.users.queries import branch_options, filtered_users


@bp.get("/")
@requires("users.manage")
def index():
    form = UserFilterForm(request.args)
    form.branch_id.choices = [("", _("All branches"))] + [
        (str(i), name) for i, name in branch_options(include_blank=False)]
    stmt = filtered_users(form.q.data or "", form.role.data or "", form.branch_id.data or "",
                          form.status.data or "")
    return render_template("users/index.html", form=form, page=paginate(stmt))


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    if user is not None and request.method == "GET":
        form.branch_id.data = user.branch_id or 0
    form.branch_id.choices = branch_options(blank_label=_("No branch"))
    return form


def _fields(form: UserForm) -> dict:
    """The form's values as the account services take them."""
    branch = db.session.get(Branch, form.branch_id.data) if form.branch_id.data else None
    return dict(full_name=form.full_name.data.strip(), email=form.email.data,
                phone=form.phone.data or "", role=form.role.data, branch=branch,
                locale=form.locale.data, is_active=form.is_active.data)


@bp.route("/new", methods=["GET", "POST"])
@requires("users.manage")
def create():
    form = _user_form()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            user = services.create_user(**_fields(form), actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("The account %(email)s was created. Send them a link to set a password.",
                    email=user.email), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/edit.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_user(user, **_fields(form), actor=current_user._get_current_object())
        if outcome.ok:
            flash(_("Changes saved."), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/edit.html", form=form, user=user)


@bp.post("/<int:user_id>/active")
@requires("users.manage")
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    with service_errors() as outcome:
        services.set_active(user, active, actor=current_user._get_current_object())
    if outcome.ok:
        flash(_("The account is active again.") if active else _("The account is deactivated."),
              "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/<int:user_id>/reset-link")
@requires("users.manage")
def reset_link(user_id: int):
    user = db.get_or_404(User, user_id)
    with service_errors() as outcome:
        token = services.issue_one_time_link(user, purpose="reset",
                                             actor=current_user._get_current_object())
    if not outcome.ok:
        return redirect(url_for("users.edit", user_id=user.id))
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("users/reset_link.html", user=user, link=link)
