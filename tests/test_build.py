"""The build itself: no warnings, and plain `pelican content` builds what the tasks and tests build."""

import filecmp
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

PROJECT_FILES = ["content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py"]


@pytest.mark.parametrize("built", ["site", "sample_site", "publish_site", "sample_publish_site"])
def test_build_logs_no_warnings(request, built):
    assert request.getfixturevalue(built).warnings == []


def differing_files(left, right):
    comparison = filecmp.dircmp(left, right)
    differences = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        differences += [f"{name}/{path}" for path in differing_files(left / name, right / name)]
    return differences


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """The project's sources in a fresh folder, so commands run there as in a clone."""
    copy = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
    return copy


@pytest.mark.parametrize(
    "command",
    [["-m", "pelican", "content"], ["-m", "invoke", "build"]],
    ids=["pelican content", "invoke build"],
)
def test_command_line_build_matches_the_tested_site(site, project_copy, command):
    output = project_copy / "output"
    shutil.rmtree(output, ignore_errors=True)
    subprocess.run([sys.executable, *command], cwd=project_copy, check=True, capture_output=True)
    # Byte for byte: two builds of the same sources and settings are identical.
    assert differing_files(site.output, output) == []
