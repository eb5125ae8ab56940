from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from observe.auth import bp, services
from observe.auth.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    RevokeTokenForm,
)
from observe.auth.queries import api_tokens_of
from observe.auth.session import SESSION_TOKEN_KEY
from observe.common.forms import service_errors
from observe.common.urls import local_path
from observe.extensions import limiter
from observe.i18n import PICKED_KEY, picked_language


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count, so a room of observers signing in
    # together behind one address is not throttled.
    return response.status_code != 302


def _login_email_key() -> str:
    return "login-account:" + services.normalize_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_login_email_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        # A language picked before signing in wins and is saved on the account; else the saved
        # one. A failed attempt is a result, not an error: its count and lockout are committed.
        result = services.sign_in(form.email.data, form.password.data,
                                  locale=picked_language())
        if result.user is not None:
            login_user(result.user)
            session[SESSION_TOKEN_KEY] = result.session_token
            session["lang"] = result.user.locale
            session.pop(PICKED_KEY, None)
            return redirect(local_path(request.args.get("next"), url_for("main.index")))
        # One message for every failure, locked or not: a different one for a locked account
        # would tell a stranger that the address has an account.
        flash(_("The e-mail or password is not correct. After several failed attempts, "
                "signing in is paused for a few minutes."), "danger")
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    user = current_user._get_current_object() if current_user.is_authenticated else None
    # Ended on the server too: a copy of this cookie no longer signs anyone in.
    services.sign_out(user, session.pop(SESSION_TOKEN_KEY, None), locale=picked_language())
    session.pop(PICKED_KEY, None)  # the next person's sign-in keeps their own language
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale)
    token_form = ApiTokenForm(prefix="token")
    user = current_user._get_current_object()
    new_token = None
    if token_form.submit_token.data and token_form.validate_on_submit():
        with service_errors(token_form) as outcome:
            new_token = services.create_named_api_token(user, token_form.name.data)
        if outcome.ok:
            # Shown on this response only, never flashed or kept in the session: it shows once.
            token_form = ApiTokenForm(prefix="token", formdata=None)
    if language_form.submit_language.data and language_form.validate_on_submit():
        services.set_locale(user, language_form.locale.data)
        session["lang"] = user.locale
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.account"))
    if password_form.submit.data and password_form.validate_on_submit():
        with service_errors(password_form) as outcome:
            token = services.change_password(user, password_form.current_password.data,
                                             password_form.password.data)
        if outcome.ok:
            login_user(user)  # the session id changed with the session version
            session[SESSION_TOKEN_KEY] = token
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form, token_form=token_form,
                           new_token=new_token, tokens=api_tokens_of(user),
                           revoke_form=RevokeTokenForm())


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    user = current_user._get_current_object()
    if not RevokeTokenForm().validate_on_submit():
        flash(_("The form has expired; try again."), "warning")
        return redirect(url_for("auth.account"))
    if services.revoke_api_token(user, token_id, actor=user) is None:
        abort(404)
    flash(_("The token is revoked: requests with it are refused from now on."), "success")
    return redirect(url_for("auth.account") + "#tokens-heading")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def reset_password(token: str):
    link = services.find_valid_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        with service_errors(form) as outcome:
            user = services.use_one_time_link(link, form.password.data)
        if outcome.ok:
            session.pop(SESSION_TOKEN_KEY, None)
            logout_user()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/reset.html", form=form, link=link)
