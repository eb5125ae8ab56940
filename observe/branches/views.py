from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from observe.branches import bp, services
from observe.branches.forms import BranchForm
from observe.branches.models import Branch
from observe.common.forms import service_errors
from observe.extensions import db
from observe.permissions import get_or_404_in_scope, requires, scope_to_branch

FIELDS = ("region", "name", "city", "chairperson", "phone", "email", "is_active")


def _fields(form: BranchForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


@bp.get("/")
@requires("branches.view")
def index():
    stmt = scope_to_branch(select(Branch).order_by(Branch.name), Branch.id, current_user)
    branches = db.session.execute(stmt).scalars().all()
    return render_template("branches/index.html", branches=branches)


@bp.get("/<int:branch_id>")
@requires("branches.view")
def show(branch_id: int):
    branch = get_or_404_in_scope(Branch, branch_id, branch_of=lambda b: b.id)
    return render_template("branches/show.html", branch=branch)


@bp.route("/new", methods=["GET", "POST"])
@requires("branches.manage")
def create():
    form = BranchForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            branch = services.create_branch(actor=current_user._get_current_object(),
                                            **_fields(form))
        if outcome.ok:
            flash(_("Branch %(name)s created.", name=branch.name), "success")
            return redirect(url_for("branches.show", branch_id=branch.id))
    return render_template("branches/edit.html", form=form, branch=None)


@bp.route("/<int:branch_id>/edit", methods=["GET", "POST"])
@requires("branches.manage")
def edit(branch_id: int):
    branch = db.get_or_404(Branch, branch_id)
    form = BranchForm(obj=branch)
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            services.update_branch(branch, actor=current_user._get_current_object(),
                                   **_fields(form))
        if outcome.ok:
            flash(_("Changes saved."), "success")
            return redirect(url_for("branches.show", branch_id=branch.id))
    return render_template("branches/edit.html", form=form, branch=branch)
