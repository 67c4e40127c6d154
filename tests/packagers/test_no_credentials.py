"""No package carries a credential: xAPI auth and the cmi5 token come only from the launch."""

from __future__ import annotations

import io
import re
import zipfile

from conftest import REPO
from cpd_pack.build import make_packages

SAMPLE = REPO / "course_source"


def test_no_package_holds_a_credential() -> None:
    basic = re.compile(rb"Basic [A-Za-z0-9+/]{8,}={0,2}")
    for package in make_packages(SAMPLE):
        with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
            for name in archive.namelist():
                data = archive.read(name)
                assert not basic.search(data), (package.format, name)
                assert not re.search(rb"(auth-token|endpoint)[\"']?\s*[:=]\s*[\"']\w", data), name
