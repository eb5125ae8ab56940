"""Public updates: posts and videos from the regions, approved by HQ, on a public page and feed.

Two blueprints: `bp` for coordinators and HQ (submit, edit, approve, publish), and `public_bp`
for everyone, which loads no user and writes no cookie so its pages are safe behind a CDN.
Published briefings are read through the briefings package's queries (published ones only)."""

from flask import Blueprint

bp = Blueprint("updates", __name__, url_prefix="/updates/posts")
public_bp = Blueprint("updates_public", __name__)

from observe.updates import public, views  # noqa: E402,F401
