"""The live preview: what it shows at once, and the site it settles on, which is a clean build's.

The parts first, each on its own (what a save asks for, the undo, a post put in a listing's place),
then scripted edits through `Preview`, the object `invoke livereload` drives on every save, in a copy
of the project with the sample site as its content: the page the browser shows is updated before the
full build, and once settled every file is what a clean build of the same sources writes. Then the
task itself, as an author runs it, with and without a browser.
"""

import copy
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from typing import ClassVar

import pytest
from pelican.contents import Article
from pelican.paginator import Page

from helpers import SAMPLE_CONTENT, copy_project, serving_task
from ourblog import preview as preview_module
from ourblog.build import build
from ourblog.first_look import with_posts_replaced
from ourblog.settle import EXIT_TIME_LIMIT, SettleProcess
from ourblog.sources import SiteSources
from ourblog.undo import Undo
from plugins.problems import shown

# A clean build of the sample site takes a second or two; one not done in this long is stuck.
BUILD_TIME_LIMIT = 300
# Pagination of two posts a page: moving a post's date then moves posts between the pages of listings.
SMALL_PAGES = "\nDEFAULT_PAGINATION = 2\n"
FIRST_STEPS = "posts/first-steps/index.html"


# What a save asks for -------------------------------------------------------------------------------


@pytest.fixture
def sources(tmp_path):
    """The folders of a site as the preview sees them, with a post that names an image and a notebook."""
    for name in ("content/images", "theme/templates", "theme/static/css", "plugins", "ourblog"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "content/post.md").write_text("Title: A\n\n![A ring](images/ring.png)\n", encoding="utf-8")
    (tmp_path / "content/talk.ipynb").write_text("{}", encoding="utf-8")
    settings = {
        "PATH": str(tmp_path / "content"),
        "THEME": str(tmp_path / "theme"),
        "PLUGINS": ["plugins.reading"],
        "PLUGIN_PATHS": [],
        "THEME_TEMPLATES_OVERRIDES": [],
        "THEME_STATIC_PATHS": ["static"],
        "THEME_STATIC_DIR": "theme",
    }
    return SiteSources(tmp_path / "pelicanconf.py", settings, post_extensions={"md", "ipynb"})


def change_of(sources, *names):
    for name in names:
        path = sources.project / name
        if not path.exists():
            path.write_text("", encoding="utf-8")
    return sources.what_changed([sources.project / name for name in names])


def test_a_saved_post_or_template_asks_for_a_first_look_from_the_cache(sources):
    for name in ("content/post.md", "theme/templates/article.html"):
        change = change_of(sources, name)
        assert change.first_look and not change.read_afresh, name


def test_settings_code_and_files_posts_read_are_read_afresh(sources):
    for name in ("pelicanconf.py", "plugins/reading_time.py", "ourblog/settings.py"):
        assert change_of(sources, name).read_afresh, name
    assert change_of(sources, "pelicanconf.py").settings
    # An image a post names, and the side file of a notebook: the cache holds the posts as read with them.
    assert change_of(sources, "content/images/ring.png").read_afresh
    assert change_of(sources, "content/talk.nbdata").read_afresh
    # An image no post names is copied by the full build: the cache still holds every post rightly.
    assert not change_of(sources, "content/images/unused.png").read_afresh


def test_a_theme_file_is_copied_where_pelican_copies_it(sources):
    change = change_of(sources, "theme/static/css/main.css")
    assert change.theme_files == [(sources.theme / "static/css/main.css", "theme/css/main.css")]
    assert not change.first_look and not change.read_afresh


# The undo ---------------------------------------------------------------------------------------------


def test_the_undo_puts_back_each_file_and_removes_what_the_good_site_lacked(tmp_path):
    (tmp_path / "posts/a").mkdir(parents=True)
    (tmp_path / "posts/a/index.html").write_bytes(b"good")
    undo = Undo(tmp_path)
    for file in ("posts/a/index.html", "posts/new/index.html"):
        undo.keep(file)
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes(b"ahead")
    undo.keep("posts/a/index.html")  # written twice: the good site's bytes are those kept first
    undo.keep("posts/a/unchanged.html")  # kept, never written: nothing to put back
    assert undo.restore() == ["posts/a/index.html", "posts/new/index.html"]
    assert (tmp_path / "posts/a/index.html").read_bytes() == b"good"
    assert not (tmp_path / "posts/new").exists()


# A post read again, in its old place ------------------------------------------------------------------


def test_a_post_read_again_takes_its_place_in_lists_and_listing_pages_only():
    settings = {"DEFAULT_PAGINATION": 2}
    old, other, again = (Article("", metadata={"title": name}) for name in ("old", "other", "again"))
    replaced = {id(old): again}
    listing = Page("index.html", "", [other, old], 1, None, settings)
    new_listing = with_posts_replaced(listing, replaced)
    assert new_listing.object_list == [other, again]
    assert listing.object_list == [other, old]  # the recorded page stays as the build rendered it
    assert with_posts_replaced(old, replaced) is again
    assert with_posts_replaced((old, other), replaced) == (again, other)
    untouched = [other]
    assert with_posts_replaced(untouched, replaced) is untouched
    assert with_posts_replaced(copy.copy(listing), {}).object_list is listing.object_list


# Scripted edits ---------------------------------------------------------------------------------------


class CountedSettles(SettleProcess):
    """Every settle process the preview starts, so that a test can tell none is left running."""

    every_one: ClassVar[list] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.every_one.append(self)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project whose content is the sample site, as the current folder, as an author has it."""
    project = copy_project(tmp_path / "project", content=SAMPLE_CONTENT)
    monkeypatch.chdir(project)
    settings = project / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + SMALL_PAGES, encoding="utf-8")
    monkeypatch.setattr(preview_module, "SettleProcess", CountedSettles)
    monkeypatch.setattr(CountedSettles, "every_one", [])
    return project


class Reloads(list):
    """What the preview tells the browsers to reload: [(files, the shown page's bytes then)]."""

    def __init__(self, shown_page):
        super().__init__()
        self.shown_page = shown_page

    def __call__(self, files):
        if files:
            self.append((sorted(files), self.shown_page.read_bytes() if self.shown_page.is_file() else b""))


@pytest.fixture
def live(project):
    """The preview of the project, started (its first build done); stopped after the test."""
    reloads = Reloads(project / "output" / FIRST_STEPS)
    live = preview_module.Preview(project / "pelicanconf.py", reload=reloads)
    live.reloads = reloads
    assert live.start(), "the first build failed"
    yield live
    live.stop()
    assert [settle for settle in CountedSettles.every_one if settle.process.poll() is None] == []


def site_files(folder):
    """Every file of a built site, by its path in the site: its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def clean_build(project, in_a_new_process=False):
    """The site a clean build of the project's sources writes, without the content cache.

    In a new process when the project's plugins changed: this one has imported them as they were. In
    this one, the project's settings module is the one beside the tests, whose THEME is theirs: the
    copy's is given instead."""
    output = project.parent / "clean-output"
    shutil.rmtree(output, ignore_errors=True)
    if in_a_new_process:
        command = "from ourblog.build import build; build('pelicanconf.py', output='../clean-output', CACHE_CONTENT=False)"
        result = subprocess.run(
            [sys.executable, "-c", command],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=BUILD_TIME_LIMIT,
        )
        assert result.returncode == 0, result.stderr
    else:
        overrides = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "THEME": str(project / "theme")}
        build(project / "pelicanconf.py", output=output, **overrides)
    return site_files(output)


def differences(found, expected):
    """The files of two sites that differ, or that one has and the other lacks."""
    return sorted(name for name in found.keys() | expected.keys() if found.get(name) != expected.get(name))


class Author:
    """Edits files of the project as an author does, each save stamped later than the one before."""

    def __init__(self, project):
        self.project = project
        self.saves = 0

    def edit(self, path, old, new):
        text = (self.project / path).read_text(encoding="utf-8")
        assert old in text, f"{path} has no {old!r}"
        return self.write(path, text.replace(old, new, 1))

    def write(self, path, text):
        path = self.project / path
        path.write_text(text, encoding="utf-8")
        return self.later(path)

    def later(self, path):
        """A time stamp after every earlier save, however quickly the test runs: the cache compares them."""
        self.saves += 1
        stamp = time.time() + 60 * self.saves
        os.utime(path, (stamp, stamp))
        return path


NEW_POST = """Title: A brand new post
Date: 2024-06-01 09:00
Slug: a-brand-new-post
Author: Ada Example
Category: Fresh
Tags: t1, newcomer
Summary: Written during the preview.

Its text.
"""


def scripted_edits(author):
    """(what the author does, the files saved, the output file the browser shows, what the first look
    shows there before the full build, or None)."""
    project = author.project
    yield (
        "body edit",
        [author.edit("content/first-steps.md", "- two", "- two\n\nA paragraph added.")],
        FIRST_STEPS,
        b"A paragraph added.",
    )
    yield (
        "title edit",
        [author.edit("content/subtitled.md", "Title: A post with a subtitle", "Title: A retitled post")],
        "archives/index.html",
        b"A retitled post",
    )
    yield (
        "tag added",
        [author.edit("content/first-steps.md", "Tags: t1, writing", "Tags: t1, writing, Brand New")],
        FIRST_STEPS,
        b"Brand New",
    )
    yield (
        "date moved",
        [author.edit("content/typography.md", "Date: 2025-06-30 17:45", "Date: 2023-05-01 08:00")],
        "posts/quotes-and-dashes/index.html",
        None,
    )
    yield "new post", [author.write("content/new-post.md", NEW_POST)], "index.html", None
    image = project / "content/images/ring-240.png"
    shutil.copyfile(project / "content/images/ring-480.png", image)
    yield "image replaced", [author.later(image)], "posts/code-contents-and-pictures/index.html", None
    deleted = project / "content/features.md"
    deleted.unlink()
    yield "deleted post", [deleted], "index.html", None
    yield "draft published", [author.edit("content/draft.md", "Status: draft\n", "")], "index.html", None
    yield (
        "template edit",
        [
            author.edit(
                "theme/templates/article.html", "{% block content %}", "{% block content %}\n<p>Edited.</p>"
            )
        ],
        FIRST_STEPS,
        b"<p>Edited.</p>",
    )
    stylesheet = project / "theme/static/css/main.css"
    yield (
        "stylesheet edit",
        [
            author.write(
                stylesheet, stylesheet.read_text(encoding="utf-8") + "\nmain { outline: 1px solid; }\n"
            )
        ],
        "theme/css/main.css",
        b"main { outline: 1px solid; }",
    )
    yield (
        "settings edit",
        [
            author.edit(
                "pelicanconf.py", 'SITESUBTITLE = "This is an optional subtitle."', 'SITESUBTITLE = "Edited."'
            )
        ],
        "index.html",
        None,
    )
    yield (
        "plugin edit",
        [author.edit("plugins/reading_time.py", "WORDS_PER_MINUTE = 238", "WORDS_PER_MINUTE = 2")],
        FIRST_STEPS,
        None,
    )


@pytest.mark.slow
def test_every_scripted_edit_shows_at_once_and_settles_on_a_clean_builds_every_file(live, project):
    assert differences(site_files(live.output), clean_build(project)) == []
    for step, saved, shown_file, shown_at_once in scripted_edits(Author(project)):
        live.update(saved, [shown_file])
        if shown_at_once is not None:
            assert shown_at_once in (live.output / shown_file).read_bytes(), (
                f"the {step} was not shown at once"
            )
        # The clean build runs here while the settle runs in its own process.
        expected = clean_build(project, in_a_new_process=step == "plugin edit")
        assert live.settle(shown_files=[shown_file]), f"after the {step}, the full build failed"
        assert differences(site_files(live.output), expected) == [], f"after the {step}, the site differs"
        # The worker and, at most, the one it replaced, telling it has exited.
        assert len(live.processes()) <= 2, f"after the {step}, processes are left running"
    assert len(CountedSettles.every_one) == 13


@pytest.mark.slow
def test_the_shown_page_reloads_first_then_once_more_only_if_the_full_build_changed_it(live, project):
    saved = Author(project).edit("content/first-steps.md", "- two", "- two\n\nSaved while shown.")
    live.update([saved], [FIRST_STEPS])
    assert live.reloads == [([FIRST_STEPS], live.reloads[0][1])]
    assert b"Saved while shown." in live.reloads[0][1]  # reloaded once the page was written
    assert live.settle(shown_files=[FIRST_STEPS])
    assert len(live.reloads) == 1  # the full build wrote the page as the first look had


@pytest.mark.slow
def test_a_template_edit_shows_on_the_shown_page_before_any_other(live, project):
    other_post = live.output / "posts/a-post-with-a-subtitle/index.html"
    saved = Author(project).edit(
        "theme/templates/article.html", "{% block content %}", "{% block content %}\n<p>Edited.</p>"
    )
    live.update([saved], [FIRST_STEPS])
    assert b"<p>Edited.</p>" in (live.output / FIRST_STEPS).read_bytes()
    assert b"<p>Edited.</p>" not in other_post.read_bytes()
    assert live.settle()
    assert b"<p>Edited.</p>" in other_post.read_bytes()


@pytest.mark.slow
def test_a_save_with_a_problem_prints_it_and_keeps_the_last_good_site(live, project, capsys):
    good = site_files(live.output)
    saved = Author(project).edit("content/first-steps.md", "Date: 2024-01-15 08:30", "Date: 2024-13-45")
    live.update([saved], [FIRST_STEPS])
    assert not live.settle()
    printed = capsys.readouterr().err
    assert 'content/first-steps.md:2: has a Date, "2024-13-45", that is not a date' in printed
    assert f"Build failed: {shown(live.output)}/ is unchanged." in printed
    assert site_files(live.output) == good
    # The worker of the last good site still gives first looks.
    saved = Author(project).edit("content/first-steps.md", "Date: 2024-13-45", "Date: 2024-01-15 08:30")
    saved = Author(project).edit("content/first-steps.md", "- two", "- two\n\nFixed.")
    live.update([saved], [FIRST_STEPS])
    assert b"Fixed." in (live.output / FIRST_STEPS).read_bytes()
    assert live.settle()


@pytest.mark.slow
def test_a_page_broken_only_for_the_full_build_puts_the_last_good_site_back(live, project, capsys):
    # The first look shows the post at once; the full build checks every link, fails, and it is undone.
    good = site_files(live.output)
    saved = Author(project).edit("content/first-steps.md", "- two", "- two\n\nSee [nothing](/no/such/page/).")
    live.update([saved], [FIRST_STEPS])
    assert b"/no/such/page/" in (live.output / FIRST_STEPS).read_bytes()
    assert not live.settle(shown_files=[FIRST_STEPS])
    assert (
        "content/first-steps.md:15: links to /no/such/page/, which is not on the site"
        in capsys.readouterr().err
    )
    assert site_files(live.output) == good
    assert live.reloads[-1][0] == [FIRST_STEPS]  # the browser shows the good page again


@pytest.mark.slow
def test_a_save_during_a_full_build_stops_it_and_no_process_outlives_two_saves(live, project):
    author = Author(project)
    for number in range(4):
        saved = author.edit("content/first-steps.md", "- two", f"- two\n\nSave {number}.")
        live.update([saved], [FIRST_STEPS])
        assert b"Save %d." % number in (live.output / FIRST_STEPS).read_bytes()
    stopped = CountedSettles.every_one[1:-1]  # each replaced by the next save, before it was done
    assert all(settle.process.poll() is not None for settle in stopped)
    assert live.settle()
    assert differences(site_files(live.output), clean_build(project)) == []
    # The worker the new one replaced exits on its own (status 0), before it would be killed.
    first_worker = CountedSettles.every_one[0]
    deadline = time.monotonic() + EXIT_TIME_LIMIT / 2
    while first_worker.process.poll() is None and time.monotonic() < deadline:
        live.check_settle()
        time.sleep(0.05)
    assert first_worker.process.poll() == 0, "the worker replaced by a newer one did not exit"


@pytest.mark.slow
def test_a_build_killed_as_it_may_write_the_cache_is_followed_by_one_that_reads_afresh(live, project):
    author = Author(project)
    live.update([author.edit("content/first-steps.md", "- two", "- two\n\nOne.")], [FIRST_STEPS])
    # As if it were killed while Pelican wrote its content cache: the marker left, the cache torn (its
    # files opened for writing, so emptied, and nothing written yet: Pelican cannot load an empty one).
    killed = CountedSettles.every_one[-1]
    killed.marker.touch()
    cache_files = list((project / "cache").glob("*Generator-Readers"))
    assert cache_files
    for cache_file in cache_files:
        cache_file.write_bytes(b"")
    live.update([author.edit("content/first-steps.md", "One.", "Two.")], [FIRST_STEPS])
    assert killed.process.poll() is not None
    assert live.settle(), "the build after a torn cache failed"
    assert differences(site_files(live.output), clean_build(project)) == []


# The task, as an author runs it ------------------------------------------------------------------------


def page_text(address):
    with urllib.request.urlopen(address, timeout=10) as page:
        return page.read().decode("utf-8")


def wait_for(condition, limit, what):
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {limit} s")
        time.sleep(0.05)


@pytest.mark.slow
def test_livereload_prints_its_address_and_serves_each_save(project):
    with serving_task(project, "livereload") as address:
        assert "<title>Our Blog</title>" in page_text(address + "/")
        assert '<script src="/.preview/reload.js">' in page_text(address + "/posts/first-steps/")
        Author(project).edit("content/first-steps.md", "- two", "- two\n\nServed after a save.")
        wait_for(
            lambda: "Served after a save." in page_text(address + "/posts/first-steps/"),
            60,
            "the saved post was not served",
        )


@pytest.mark.slow
@pytest.mark.browser
def test_livereload_reloads_the_page_the_browser_shows_with_the_saved_change(project, chromium):
    with serving_task(project, "livereload") as address:
        page = chromium.new_page()
        page.goto(address + "/posts/first-steps/")
        time.sleep(1)  # the page's events connection opens once its script has run
        Author(project).edit("content/first-steps.md", "- two", "- two\n\nSaved while the page was open.")
        page.wait_for_function(
            "document.body.innerText.includes('Saved while the page was open.')", timeout=30_000
        )
        page.close()
