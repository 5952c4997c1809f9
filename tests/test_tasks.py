"""The author's tasks: new-post writes a post that builds; publish refuses to guess a destination."""

import os
import subprocess
import sys

import pytest
from invoke import Context
from invoke.exceptions import Exit

import tasks
from helpers import ROOT, build_site


@pytest.fixture
def content_folder(tmp_path, monkeypatch):
    folder = tmp_path / "content"
    folder.mkdir()
    monkeypatch.setitem(tasks.CONFIG, "content", folder)
    return folder


def test_new_post_writes_a_draft_that_builds(content_folder, tmp_path):
    tasks.new_post(
        Context(), "Seoul & Tokyo: “Talks” Resume", category="Politics", tags="Japan, South  Korea"
    )
    written = content_folder / "seoul-tokyo-talks-resume.md"
    front_matter = written.read_text(encoding="utf-8").split("\n\n")[0]
    fields = dict(line.split(": ", 1) for line in front_matter.splitlines())
    assert set(fields) == {"Title", "Date", "Slug", "Summary", "Category", "Tags", "Status"}
    assert fields["Slug"] == "seoul-tokyo-talks-resume" and fields["Status"] == "draft"
    assert fields["Tags"] == "japan, south-korea"

    # Opens with a guide to every field, as an HTML comment the build removes.
    for field in ("Subtitle:", "Modified:", "Authors:", "Toc:", "Status:", "{static}/images/"):
        assert field in written.read_text(encoding="utf-8"), field

    built = build_site(tmp_path / "output", PATH=str(content_folder))
    assert built.warnings == []
    assert "<!--" not in built.path_for_url("/drafts/seoul-tokyo-talks-resume/").read_text(encoding="utf-8")
    draft = built.page("/drafts/seoul-tokyo-talks-resume/")
    assert draft.h1.get_text() == "Seoul & Tokyo: \u201cTalks\u201d Resume"


def test_new_post_never_overwrites_a_post(content_folder):
    tasks.new_post(Context(), "Twice")
    with pytest.raises(Exit, match="already exists"):
        tasks.new_post(Context(), "Twice")


def test_publish_without_a_target_fails_with_a_clear_message():
    environment = {key: value for key, value in os.environ.items() if key != "PUBLISH_TARGET"}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "publish"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No publish target: set PUBLISH_TARGET" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
