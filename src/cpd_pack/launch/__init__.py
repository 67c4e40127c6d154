"""``cpd-pack launch``: a small LMS side for xAPI and cmi5 packages, on 127.0.0.1.

It serves an unzipped package, plays the LMS's part of the launch (the Rustici launch URL for
xAPI; for cmi5 the registration, session, Launched statement, LMS.LaunchData, one-time fetch
URL, learner preferences, Abandoned and Satisfied), and answers the AU's xAPI requests at its own
``/xapi/`` endpoint: statements are kept in memory and, with an LRS, forwarded to it.

    with LaunchServer("dist/course-1.0-cmi5.zip") as srv:
        url = srv.launch_url()
"""

from __future__ import annotations

from cpd_pack.launch.model import Launch, LaunchError
from cpd_pack.launch.package import Package, PackageError
from cpd_pack.launch.report import describe_statement
from cpd_pack.launch.server import LaunchServer

__all__ = ["Launch", "LaunchError", "LaunchServer", "Package", "PackageError", "describe_statement"]
