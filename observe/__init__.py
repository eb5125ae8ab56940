"""Observe: citizen election observation, from recruitment to briefings."""

import os

from flask import Flask

from observe.common.transaction import TransactionalFlask
from observe.config import ROOT, check_config, config_for_environment


def create_app(config: type | dict | None = None) -> Flask:
    """Build the application; `config` is a config class or a dict of overrides."""
    app = TransactionalFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    load_config(app, config)
    register_url_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_error_handlers(app)
    register_template_helpers(app)
    return app


def load_config(app: Flask, config) -> None:
    """Apply the environment's config class, then overrides; refuse a key that is not secret."""
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        # Overrides naming OBSERVE_ENV start from that environment's settings (secure cookies).
        app.config.from_object(config_for_environment((config or {}).get("OBSERVE_ENV")))
        app.config.update(config or {})
    check_config(app.config)
    os.makedirs(app.instance_path, exist_ok=True)


def register_url_converters(app: Flask) -> None:
    """Ids in URLs fit a database integer: a larger one is a 404, not a database error."""
    from observe.common.urls import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


def register_extensions(app: Flask) -> None:
    from observe import security
    from observe.auth import session as auth_session
    from observe.common import postgres, sqlite
    from observe.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from observe.i18n import select_locale, select_timezone
    from observe.jobs.queue import celery_init_app

    db.init_app(app)
    sqlite.configure_engine_events(app)
    postgres.configure_engine_events(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(ROOT / "observe" / "translations"))
    bootstrap.init_app(app)
    limiter.init_app(app)
    auth_session.init_login(app, login_manager)
    security.init_security(app)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from observe.api import bp as api_bp
    from observe.assignments import bp as assignments_bp
    from observe.audit import bp as audit_bp
    from observe.auth import bp as auth_bp
    from observe.branches import bp as branches_bp
    from observe.briefings import bp as briefings_bp
    from observe.complaints import bp as complaints_bp
    from observe.complaints.privacy import bp as privacy_bp
    from observe.elections import bp as elections_bp
    from observe.fieldops import bp as fieldops_bp
    from observe.jobs import bp as jobs_bp
    from observe.mail import bp as mail_bp
    from observe.main import bp as main_bp
    from observe.observers import bp as observers_bp
    from observe.reports import bp as reports_bp
    from observe.training import bp as training_bp
    from observe.updates import bp as updates_bp
    from observe.updates import public_bp as updates_public_bp
    from observe.users import bp as users_bp

    for blueprint in (main_bp, auth_bp, users_bp, branches_bp, audit_bp, mail_bp, observers_bp,
                      training_bp, elections_bp, assignments_bp, reports_bp, briefings_bp,
                      updates_bp, updates_public_bp,
                      fieldops_bp,
                      complaints_bp, privacy_bp, jobs_bp,
                      api_bp):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from observe.auth.cli import users_cli
    from observe.complaints.cli import complaints_cli, privacy_cli
    from observe.demo import seed_demo_command
    from observe.fieldops.cli import fieldops_cli
    from observe.mail.cli import mail_cli
    from observe.scale.cli import seed_scale_command

    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(complaints_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(fieldops_cli)
    app.cli.add_command(seed_scale_command)


def register_error_handlers(app: Flask) -> None:
    from observe.main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from observe.main.template_helpers import register

    register(app)
