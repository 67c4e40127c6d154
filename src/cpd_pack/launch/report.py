"""One line per statement, for the person watching ``cpd-pack launch``."""

from __future__ import annotations

from typing import Any


def _verb(statement: dict[str, Any]) -> str:
    verb = statement.get("verb") or {}
    display = verb.get("display") or {}
    if isinstance(display, dict) and display:
        text = display.get("en-US") or display.get("en") or next(iter(display.values()))
        if isinstance(text, str) and text:
            return text
    return str(verb.get("id", "?")).rstrip("/").rsplit("/", 1)[-1]


def _object(statement: dict[str, Any]) -> str:
    obj = statement.get("object") or {}
    for key in ("id", "mbox", "openid", "mbox_sha1sum"):
        if isinstance(obj.get(key), str):
            return str(obj[key])
    account = obj.get("account") or {}
    return str(account.get("name", obj.get("objectType", "?")))


def _result(statement: dict[str, Any]) -> str:
    result = statement.get("result") or {}
    parts = []
    score = result.get("score") or {}
    if "scaled" in score:
        parts.append(f"score {score['scaled']}")
    if "raw" in score:
        parts.append(f"({score['raw']}/{score.get('max', '?')})")
    if "success" in result:
        parts.append("success" if result["success"] else "no success")
    if result.get("completion") is True:
        parts.append("completion")
    if "response" in result:
        parts.append(f"response {str(result['response'])[:60]!r}")
    if "duration" in result:
        parts.append(f"duration {result['duration']}")
    return " ".join(parts)


def describe_statement(statement: dict[str, Any]) -> str:
    """``HH:MM:SS verb object [result]``: time of the statement's timestamp (UTC), the verb's
    display (or the end of its id), the object id and a summary of the result."""
    stamp = str(statement.get("timestamp") or statement.get("stored") or "")
    time = stamp[11:19] if len(stamp) >= 19 else stamp
    summary = _result(statement)
    line = f"{time} {_verb(statement):<12} {_object(statement)}"
    return f"{line}  {summary}" if summary else line
