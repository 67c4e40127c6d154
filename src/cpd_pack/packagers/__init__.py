"""One small packager per output format."""

from __future__ import annotations

from cpd_pack.packagers.base import Packager
from cpd_pack.packagers.cmi5 import Cmi5Packager
from cpd_pack.packagers.scorm12 import Scorm12Packager
from cpd_pack.packagers.scorm2004 import Scorm2004Packager
from cpd_pack.packagers.xapi import XapiPackager

PACKAGERS: dict[str, type[Packager]] = {
    "scorm2004": Scorm2004Packager,
    "scorm12": Scorm12Packager,
    "xapi": XapiPackager,
    "cmi5": Cmi5Packager,
}
FORMATS = tuple(PACKAGERS)

__all__ = ["FORMATS", "PACKAGERS", "Packager"]
