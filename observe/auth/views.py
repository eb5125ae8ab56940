from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from observe.auth import bp, services
from observe.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, NewPasswordForm
from observe.extensions import db, limiter


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


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would make our sign-in page a phishing tool. Browsers
    # (and urlsplit) drop tabs and newlines, so "/\t/evil.com" would become "//evil.com".
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_login_email_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            login_user(result.user)
            # A language picked on the sign-in page wins and is remembered; else the saved one.
            if session.get("lang") in current_app.config["LANGUAGES"]:
                services.set_locale(result.user, session["lang"])
            session["lang"] = result.user.locale
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        # One message for every failure, locked or not: a different one for a locked account
        # would tell a stranger that the address has an account.
        flash(_("The e-mail or password is not correct. After several failed attempts, "
                "signing in is paused for a few minutes."), "danger")
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale)
    user = current_user._get_current_object()
    if language_form.submit_language.data and language_form.validate_on_submit():
        services.set_locale(user, language_form.locale.data)
        session["lang"] = user.locale
        db.session.commit()
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.account"))
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            services.change_password(user, password_form.current_password.data,
                                     password_form.password.data)
        except services.AccountError as error:
            field = getattr(password_form, error.field or "password")
            field.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)  # the session id changed with the session version
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def reset_password(token: str):
    link = services.find_valid_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.use_one_time_link(link, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/reset.html", form=form, link=link)
