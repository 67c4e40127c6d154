"""The LMS page at ``/``: what is launched for whom, a Launch button, the statements so far."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from cpd_pack.launch.model import MODES
from cpd_pack.launch.report import describe_statement

if TYPE_CHECKING:
    from cpd_pack.launch.server import LaunchServer


def render_page(srv: LaunchServer) -> str:
    """The page; the Launch form POSTs to ``/launch``, which redirects to the AU."""
    pkg, launcher = srv.package, srv.launcher
    statements = srv.statements
    mode_field = ""
    if pkg.kind == "cmi5":
        options = "".join(
            f"<option{' selected' if m == launcher.mode else ''}>{m}</option>" for m in MODES
        )
        mode_field = (
            '<p><label for="mode">Launch mode</label> '
            f'<select id="mode" name="mode">{options}</select></p>'
        )
    rows = "".join(
        f"<tr><td>{escape(describe_statement(st))}</td></tr>" for st in reversed(statements)
    )
    lrs = escape(srv.upstream.endpoint) if srv.upstream else "none: statements stay in the launcher"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cpd-pack launch: {escape(pkg.title or pkg.activity_id)}</title></head>
<body><main>
<h1>{escape(pkg.title or pkg.activity_id)}</h1>
<dl>
<dt>Package</dt><dd>{escape(srv.package_zip.name)} ({"cmi5" if pkg.kind == "cmi5" else "xAPI"})</dd>
<dt>Learner</dt><dd>{escape(json.dumps(launcher.actor))}</dd>
<dt>Registration</dt><dd>{escape(srv.registration)}</dd>
<dt>Activity id</dt><dd>{escape(srv.activity_id)}</dd>
<dt>LRS</dt><dd>{lrs}</dd>
</dl>
<form method="post" action="/launch">{mode_field}
<p><input type="checkbox" id="new_registration" name="new_registration" value="1">
<label for="new_registration">New registration</label></p>
<p><button type="submit">Launch</button></p>
</form>
<h2>Statements ({len(statements)})</h2>
<table><thead><tr><th scope="col">Newest first</th></tr></thead><tbody>{rows}</tbody></table>
</main></body></html>
"""
