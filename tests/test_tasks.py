"""The author's tasks, run as an author runs them, in a copy of the project with the seed post as content."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from helpers import PUBLISH_SITEURL, front_matter, run_in, serving_task
from ourblog.build import build_with_cache

# A note in every form an author might write one: on one line, over several, with the "--" and "->"
# that typography would turn into dashes and arrows if it ran before the note was removed.
NOTES = """
<!-- A one-line note: mention-one -- with dashes -->

Text between the notes.

<!--
A note over several lines: mention-two
with an arrow -> and "quotes" ... and dashes --
-->

More text <!-- an inline note: mention-three --> to read.
"""

# Each test runs a task in a copy of the project, in a process of its own: left out of `invoke test --quick`.
pytestmark = pytest.mark.slow


def invoke(project, *arguments, **environment):
    return run_in(project, "-m", "invoke", *arguments, **environment)


def read(path):
    return path.read_text(encoding="utf-8")


def test_new_post_writes_a_draft_dated_now_in_the_sites_time_zone(project):
    # A time zone far from the machine's: UTC+14, a different day from UTC for ten hours of every day.
    settings = project / "pelicanconf.py"
    settings.write_text(
        read(settings).replace('TIMEZONE = "Europe/London"', 'TIMEZONE = "Pacific/Kiritimati"')
    )
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(second=0, microsecond=0)
    result = invoke(project, "new-post", "Seoul & Tokyo: “Talks” Resume", "--tags", "South Korea, AWS")
    after = datetime.now(ZoneInfo("Pacific/Kiritimati"))
    assert result.returncode == 0, result.stderr
    fields = front_matter(project / "content" / "seoul-tokyo-talks-resume.md")
    assert fields["status"] == "draft" and fields["tags"] == "South Korea, AWS"
    written = datetime.strptime(fields["date"], "%Y-%m-%d %H:%M").replace(
        tzinfo=ZoneInfo("Pacific/Kiritimati")
    )
    assert before <= written <= after


def test_a_new_post_builds_with_its_guide_and_its_tags_and_category_have_pages(project):
    assert (
        invoke(
            project, "new-post", "A first draft", "--tags", "Brand New Tag", "--category", "Fresh"
        ).returncode
        == 0
    )
    result = invoke(project, "build")
    assert result.returncode == 0, result.stderr
    output = project / "output"
    page = read(output / "drafts" / "a-first-draft" / "index.html")
    assert "<!--" not in page and "Metadata (the lines above" not in page
    # The draft's tag and category link to pages of the local build (the build checks every link, too).
    soup = BeautifulSoup(page, "html.parser")
    for link in soup.select(".post-footer a, .byline a[href*='/category/']"):
        assert (output / link["href"].strip("/") / "index.html").is_file(), link["href"]
    assert len(soup.select(".post-footer a")) == 1


def test_author_notes_reach_no_page_and_no_feed(project):
    post = project / "content" / "notes.md"
    post.write_text(f"Title: With notes\nDate: 2024-05-01 10:00\n{NOTES}", encoding="utf-8")
    result = invoke(project, "preview", SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 0, result.stderr
    output = project / "output"
    served = [path for path in output.rglob("*") if path.suffix in (".html", ".xml", ".json")]
    assert any("Text between the notes" in read(path) for path in served)
    for path in served:
        text = read(path)
        for word in ("mention-one", "mention-two", "mention-three", "&lt;!--", "<!--"):
            assert word not in text, f"{path.relative_to(output)}: {word}"


def test_new_post_never_overwrites_a_post(project):
    assert invoke(project, "new-post", "Twice").returncode == 0
    result = invoke(project, "new-post", "Twice")
    assert result.returncode == 2 and "content/twice.md already exists" in result.stderr


def run_without(project, variable, *arguments, **environment):
    """Run a task in the project without one environment variable, and with others."""
    env = {key: value for key, value in os.environ.items() if key != variable} | environment
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_publish_without_a_target_fails_before_building(project):
    result = run_without(project, "PUBLISH_TARGET", "publish", SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 2
    assert "No publish target: set PUBLISH_TARGET" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "output").exists()


def with_a_git_remote(project):
    """The project in a git repository whose "origin" is a bare repository beside it."""
    remote = project.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=project, check=True)


@pytest.mark.parametrize("task", ["publish", "gh-pages"])
def test_publishing_without_a_site_address_fails_before_building(project, task):
    with_a_git_remote(project)
    result = run_without(project, "SITEURL", task, PUBLISH_TARGET=str(project / "deployed"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "No SITEURL: set the address the site will be served from, as in "
        "SITEURL=https://example.org/blog invoke publish (or write it in publishconf.py)."
    )
    assert not (project / "output").exists()


def test_publish_without_rsync_fails_before_building(project, tmp_path):
    # A PATH holding only what the build needs: Python, not rsync.
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "python").symlink_to(sys.executable)
    result = run_without(
        project,
        "PATH",
        "publish",
        PATH=str(bin_folder),
        SITEURL=PUBLISH_SITEURL,
        PUBLISH_TARGET=str(tmp_path / "to"),
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "rsync is not installed, and publish copies the site with it: install rsync."
    )
    assert not (project / "output").exists()


def test_gh_pages_without_its_git_remote_fails_before_building(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    result = run_without(project, "GITHUB_PAGES_REMOTE", "gh-pages", SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == 'No git remote "origin": add it, or set GITHUB_PAGES_REMOTE to the one to push to.'
    )
    assert not (project / "output").exists()


def test_preview_builds_for_the_local_server_when_no_address_is_set(project):
    result = run_without(project, "SITEURL", "preview")
    assert result.returncode == 0, result.stderr
    assert "Built output/ for http://127.0.0.1:8000" in result.stdout
    home = read(project / "output" / "index.html")
    assert 'rel="canonical" href="http://127.0.0.1:8000/"' in home


@pytest.mark.parametrize("task", ["serve"])
def test_local_server_answers_as_a_static_host_with_the_sites_404_page(project, task):
    # Port 0: the system chooses a free port, which the task prints; no port is guessed and reused.
    with serving_task(project, task) as address:
        with urllib.request.urlopen(address + "/posts/military-information-agreement", timeout=10) as page:
            assert page.url.endswith("/posts/military-information-agreement/")  # a folder, by its index.html
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(address + "/no/such/page/", timeout=10)
        assert missing.value.code == 404
        body = missing.value.read().decode("utf-8")
        assert "<h1>Page not found</h1>" in body


@pytest.fixture
def cached(project):
    """The cached build that `livereload` runs on every save, in the project copy, with one post of ours."""
    post = project / "content" / "post.md"
    post.write_text('Title: "Quoted" title\nSlug: post\nDate: 2020-01-01\n\nThe text.\n', encoding="utf-8")
    return lambda fresh=False: build_with_cache(project / "pelicanconf.py", project / "cache", fresh=fresh)


def post_title(project):
    page = read(project / "output" / "posts" / "post" / "index.html")
    return BeautifulSoup(page, "html.parser").h1.get_text()


def test_cached_build_shows_an_edited_post(project, cached):
    cached(fresh=True)
    post = project / "content" / "post.md"
    post.write_text(read(post).replace("Quoted", "Edited"), encoding="utf-8")
    later = (
        post.stat().st_mtime + 60
    )  # a later time stamp, however fast the test runs: the cache compares them
    os.utime(post, (later, later))
    cached()
    assert post_title(project) == "\u201cEdited\u201d title"


def test_a_fresh_cached_build_follows_changed_settings(project, cached):
    cached(fresh=True)
    assert post_title(project) == "\u201cQuoted\u201d title"
    settings = project / "pelicanconf.py"
    settings.write_text(read(settings) + "\nTYPOGRAPHY = False\n", encoding="utf-8")
    cached(fresh=True)
    assert post_title(project) == '"Quoted" title'
