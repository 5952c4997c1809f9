"""The build itself: every fixture site builds without a note, and every way of building gives the same site."""

import shutil

import pytest

from helpers import PUBLISH_SITEURL, differing_files, run_in

FIXTURE_BUILDS = [
    "seed_site",
    "seed_publish_site",
    "sample_site",
    "sample_publish_site",
    "sample_root_site",
    "hostile_site",
    "statuses_site",
    "statuses_publish_site",
    "moved_in_sites",
    "moved_in_publish_sites",
]


@pytest.mark.parametrize("built", FIXTURE_BUILDS)
def test_fixture_sites_build_without_a_note(request, built):
    # A build with a problem fails; notes (Pelican's warnings among them) would be printed but pass.
    sites = request.getfixturevalue(built)
    for site in sites.values() if isinstance(sites, dict) else [sites]:
        assert site.notes == [], site.output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "built"),
    [
        (["-m", "pelican", "content"], "seed_site"),
        (["-m", "invoke", "build"], "seed_site"),
        (["-m", "pelican", "content", "--settings", "publishconf.py"], "seed_publish_site"),
        (["-m", "invoke", "preview"], "seed_publish_site"),
    ],
    ids=["pelican content", "invoke build", "pelican content publishconf", "invoke preview"],
)
def test_command_line_build_matches_the_tested_site(request, project, command, built):
    output = project / "output"
    shutil.rmtree(output, ignore_errors=True)
    result = run_in(project, *command, SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 0, result.stderr
    built_site = request.getfixturevalue(built)
    # Byte for byte, feeds and search index included: two builds of the same sources and settings are identical.
    assert differing_files(built_site.output, output) == []
    if built == "seed_publish_site":
        assert (output / "feeds" / "all.atom.xml").is_file()
