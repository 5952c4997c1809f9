"""The build itself: no warnings, reproducible output, and typography as quick as it is right."""

import filecmp
import os
import shutil
import subprocess
import sys

import markdown
import pytest
import smartypants
from typogrify.filters import typogrify

import pelicanconf
import quick_typography
from bench.run import write_posts
from helpers import PUBLISH_SITEURL, ROOT

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


def test_publish_build_is_reproducible(publish_site, project_copy):
    """The minified, hashed stylesheet included: a second publish build is the same, byte for byte."""
    output = project_copy / "publish-output"
    command = [
        sys.executable,
        "-m",
        "pelican",
        "content",
        "--settings",
        "publishconf.py",
        "--output",
        str(output),
    ]
    environment = {**os.environ, "SITEURL": PUBLISH_SITEURL}
    subprocess.run(command, cwd=project_copy, env=environment, check=True, capture_output=True)
    assert differing_files(publish_site.output, output) == []


TYPOGRAPHIC_CASES = [
    '<p>"\'Quoted\' words in a larger quote," she said -- in the \'80s... and \\"escaped\\" ones.</p>',
    "<p>Don't <em>stop</em>: ``backticks'' -- dashes --- and . . . spaced ellipses.</p>",
    '<p>A &quot;quoted&quot; entity, <a href="/x/" title="it\'s">a link\'s text</a> & an ampersand.</p>',
    "<p>Two apostrophes close a quote: ''so'' said.</p>",
    "<ul><li>No quotes, no dashes</li><li>'</li><li>\"</li></ul><pre>'code' -- \"kept\"...</pre>",
]


def test_quick_typography_gives_typogrifys_output(monkeypatch, tmp_path):
    """The plugin makes Smartypants skip text it would leave unchanged; the output stays the same."""
    quick_typography.speed_up_smartypants()
    write_posts(tmp_path, 20)
    pages = [markdown.markdown(post.read_text(encoding="utf-8")) for post in sorted(tmp_path.glob("*.md"))]
    texts = TYPOGRAPHIC_CASES + pages
    omitted = dict.fromkeys(pelicanconf.TYPOGRIFY_OMIT_FILTERS, False)
    quick = [typogrify(text, **omitted) for text in texts]
    for name in quick_typography.STEPS:
        monkeypatch.setattr(smartypants, name, getattr(smartypants, name).__wrapped__)
    assert quick == [typogrify(text, **omitted) for text in texts]
