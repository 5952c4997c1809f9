"""The build itself: no warnings, and plain `pelican content` builds what the tasks and tests build."""

import filecmp
import shutil

import pytest

from helpers import PUBLISH_SITEURL, copy_project, run_in


@pytest.mark.parametrize(
    "built",
    ["site", "sample_site", "publish_site", "sample_publish_site", "sample_root_site", "hostile_site"],
)
def test_build_logs_no_warnings(request, built):
    assert request.getfixturevalue(built).warnings == []


def differing_files(left, right):
    comparison = filecmp.dircmp(left, right)
    differences = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        differences += [f"{name}/{path}" for path in differing_files(left / name, right / name)]
    return differences


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.mark.parametrize(
    ("command", "built"),
    [
        (["-m", "pelican", "content"], "site"),
        (["-m", "invoke", "build"], "site"),
        (["-m", "pelican", "content", "--settings", "publishconf.py"], "publish_site"),
        (["-m", "invoke", "preview"], "publish_site"),
    ],
    ids=["pelican content", "invoke build", "pelican content publishconf", "invoke preview"],
)
def test_command_line_build_matches_the_tested_site(request, project, command, built):
    output = project / "output"
    shutil.rmtree(output, ignore_errors=True)
    result = run_in(project, *command, SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 0, result.stderr
    built_site = request.getfixturevalue(built)
    # Byte for byte, feeds included: two builds of the same sources and settings are identical.
    assert differing_files(built_site.output, output) == []
    if built == "publish_site":
        assert (output / "feeds" / "all.atom.xml").is_file()
