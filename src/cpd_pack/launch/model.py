"""The launcher's vocabulary (cmi5 IRIs, modes) and records (registrations, sessions, launches)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cpd_pack.exceptions import CpdPackError
from cpd_pack.launch.store import Json, agent_key

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
LAUNCHED, COMPLETED, PASSED, TERMINATED = (
    ADL_VERBS + v for v in ("launched", "completed", "passed", "terminated")
)
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
EXT_SESSION, EXT_MASTERY, EXT_LAUNCHMODE, EXT_LAUNCHURL, EXT_MOVEON, EXT_PARAMETERS = (
    EXT + e for e in ("sessionid", "masteryscore", "launchmode", "launchurl", "moveon", "launchparameters")
)  # fmt: skip
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
MODES = ("Normal", "Browse", "Review")
HOME_PAGE = "https://cpd-pack.invalid/launch"
"""The account homePage of the cmi5 actor made from ``--actor EMAIL`` (a reserved domain)."""
MOVE_ON: dict[str, Callable[[bool, bool], bool]] = {
    "Completed": lambda c, p: c,
    "Passed": lambda c, p: p,
    "CompletedAndPassed": lambda c, p: c and p,
    "CompletedOrPassed": lambda c, p: c or p,
    "NotApplicable": lambda c, p: True,
}


class LaunchError(CpdPackError):
    """The launcher cannot start or launch (busy port, unreachable LRS, bad option)."""


def make_actor(kind: str, actor: str | Json, name: str | None) -> Json:
    """The launch actor: an Agent with ``mbox`` (xAPI) or ``account`` (cmi5 9.2) from an email,
    or the given Agent as it is."""
    if isinstance(actor, dict):
        agent_key(actor)  # has an identifier
        return {"objectType": "Agent", **actor}
    made: Json = {"objectType": "Agent"}
    if name:
        made["name"] = name
    if kind == "cmi5":
        made["account"] = {"homePage": HOME_PAGE, "name": actor}
    else:
        made["mbox"] = actor if actor.startswith("mailto:") else f"mailto:{actor}"
    return made


def lms_id(publisher_id: str, what: str) -> str:
    """A stable LMS-generated IRI for a publisher id (never equal to it: cmi5 8.1, 9.3.9)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'cpd-pack-launch:{what}:{publisher_id}')}"


def iso_duration(seconds: float) -> str:
    """``PT#H#M#.##S`` with at most two decimals (xAPI 4.6)."""
    hundredths = max(0, round(seconds * 100))
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    secs = f"{rest // 100}" + (f".{rest % 100:02d}".rstrip("0") if rest % 100 else "")
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


@dataclass(eq=False)
class Registration:
    """One enrollment of the learner; ``completed``/``passed`` from the AU's cmi5 statements."""

    id: str
    sessions: list[Session] = field(default_factory=list)
    completed: bool = False
    passed: bool = False
    satisfied: bool = False


@dataclass(eq=False)
class Session:
    """One cmi5 launch: from Launched to Terminated or Abandoned."""

    id: str
    registration: Registration
    mode: str
    token: str
    fetch_key: str
    launched_at: float = field(default_factory=time.monotonic)
    last_statement_at: float | None = None
    last_timestamp: datetime | None = None
    terminated_at: float | None = None
    fetched: bool = False
    abandoned: bool = False

    @property
    def open(self) -> bool:
        """Neither terminated nor abandoned."""
        return self.terminated_at is None and not self.abandoned


@dataclass(frozen=True)
class Grant:
    """What a token allows: a cmi5 session's requests, or (``session`` None) an xAPI launch's."""

    session: Session | None


@dataclass(frozen=True)
class Launch:
    """One launch: the AU's URL and the values in it."""

    url: str
    registration: str
    activity_id: str
    session_id: str | None = None
    fetch_url: str | None = None
    auth: str | None = None
