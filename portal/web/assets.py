"""Static files under a name that carries their content's hash
(`/assets/<hash>/css/portal.css`; `/static/…` keeps serving them plainly), so that browsers and proxies may keep them
a year without asking again ("immutable"), and a new release's file, with a
new hash, is fetched at once. Templates write `asset("css/portal.css")`.

The hashes are computed once per process from the files themselves. An
address with another hash (a page of the previous release still open) gets
the current file, without the year-long promise.
"""
import hashlib
from pathlib import Path

from flask import abort, current_app, has_request_context, request, send_from_directory, url_for

YEAR = 365 * 24 * 3600
_addresses = {}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _digests(app):
    found = app.extensions.get("asset_digests")
    if found is None:
        root = Path(app.static_folder)
        found = {str(path.relative_to(root)): _digest(path) for path in root.rglob("*") if path.is_file()}
        app.extensions["asset_digests"] = found
    return found


def asset(filename):
    """The file's address with its hash, remembered per mount point."""
    root = request.script_root if has_request_context() else ""
    key = (filename, root)
    found = _addresses.get(key)
    if found is None:
        digest = _digests(current_app).get(filename)
        if digest is None:
            found = url_for("static", filename=filename)
        else:
            found = url_for("hashed_static", digest=digest, filename=filename)
        if len(_addresses) < 1024:  # only the templates' own names come here; a bound all the same
            _addresses[key] = found
    return found


def init_app(app):
    app.jinja_env.globals["asset"] = asset

    @app.route("/assets/<digest>/<path:filename>", endpoint="hashed_static")
    def hashed_static(digest, filename):
        current = _digests(app).get(filename)
        if current is None:
            abort(404)
        response = send_from_directory(app.static_folder, filename, max_age=YEAR if digest == current else 0)
        if digest == current:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
