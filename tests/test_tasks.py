"""The author's tasks: new-post writes a post that builds; publish refuses to guess a destination."""

import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
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


@pytest.fixture
def cached_build(tmp_path, monkeypatch):
    """The tasks' cached build, on one post, with a settings file of its own."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "post.md").write_text(
        'Title: "Quoted" title\nSlug: post\nDate: 2020-01-01\nSummary: One post.\n\nThe text.\n',
        encoding="utf-8",
    )
    settings = tmp_path / "settings.py"
    settings.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8"), encoding="utf-8")
    for name, path in [("content", content), ("output", tmp_path / "output"), ("cache", tmp_path / "cache")]:
        monkeypatch.setitem(tasks.CONFIG, name, path)
    monkeypatch.setitem(tasks.CONFIG, "settings", settings)
    # The settings file's own PATH and PLUGIN_PATHS are relative to its folder: point them here.
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + f"\nPATH = {str(content)!r}\nPLUGIN_PATHS = {[str(ROOT / 'plugins')]!r}\n",
        encoding="utf-8",
    )
    return tmp_path


def post_title(folder):
    return BeautifulSoup(
        (folder / "output/posts/post/index.html").read_text(encoding="utf-8"), "html.parser"
    ).h1.text


def test_cached_build_shows_an_edited_post(cached_build):
    tasks.build_with_cache()
    assert (cached_build / "cache").is_dir()
    post = cached_build / "content" / "post.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Quoted", "Edited"), encoding="utf-8")
    os.utime(post, (2_000_000_000, 2_000_000_000))  # a later time stamp, however fast the test runs
    tasks.build_with_cache()
    assert post_title(cached_build) == "\u201cEdited\u201d title"


def test_changed_settings_drop_the_content_cache(cached_build):
    tasks.build_with_cache()
    assert post_title(cached_build) == "\u201cQuoted\u201d title"
    settings = tasks.CONFIG["settings"]
    settings.write_text(settings.read_text(encoding="utf-8") + "\nTYPOGRIFY = False\n", encoding="utf-8")
    tasks.build_without_stale_cache()
    assert post_title(cached_build) == '"Quoted" title'


def test_publish_without_a_target_fails_with_a_clear_message():
    environment = {key: value for key, value in os.environ.items() if key != "PUBLISH_TARGET"}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "publish"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No publish target: set PUBLISH_TARGET" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
