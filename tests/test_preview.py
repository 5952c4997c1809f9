"""The live preview (preview.py): what it shows first, and the site it settles on, is a clean build's.

Scripted edits go through `Preview.update()`, the code `invoke livereload` runs on every save, in a
copy of the project with the sample site as its content. After each, every page must already be
what a clean build of the same sources writes (the fast path's promise), and once the preview has
settled, every file must be, the search index included.
"""

import os
import re
import shutil
import subprocess
import sys
import time

import preview
import pytest
from blinker import ANY
from build import BuildFailed, build, build_with_cache, free_port, shown, wait_until_served
from build_profile import BuildProfile, pelican_signals

from helpers import SAMPLE_CONTENT, copy_project

# A clean build of the sample site takes seconds; one not done in this long is stuck.
BUILD_TIME_LIMIT = 300
# Pagination of two posts a page, as the sample site's fixture builds it: moving a post's date then
# moves posts between the pages of every listing.
SMALL_PAGES = "\nDEFAULT_PAGINATION = 2\n"

# Each test drives the live preview through whole builds: left out of `invoke test --quick`.
pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project whose content is the sample site, as the current folder, as an author has it."""
    project = copy_project(tmp_path / "project", content=SAMPLE_CONTENT)
    monkeypatch.chdir(project)
    settings = project / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + SMALL_PAGES, encoding="utf-8")
    return project


def site_files(folder):
    """Every file of a built site, by its path in the site: its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def clean_build(project, in_a_new_process=False):
    """The site a clean build of the project's sources writes, without the content cache.

    In a new process when the project's plugins changed: this one has imported the old ones."""
    output = project.parent / "clean-output"
    shutil.rmtree(output, ignore_errors=True)
    if in_a_new_process:
        command = "import build; build.build('pelicanconf.py', output='../clean-output', CACHE_CONTENT=False)"
        result = subprocess.run(
            [sys.executable, "-c", command],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=BUILD_TIME_LIMIT,
        )
        assert result.returncode == 0, result.stderr
    else:
        build(project / "pelicanconf.py", output=output, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
    return site_files(output)


def differences(found, expected, leave_out=()):
    """The files of two sites that differ, or that one has and the other lacks."""
    names = {name for name in found.keys() | expected.keys() if not name.startswith(leave_out)}
    return sorted(name for name in names if found.get(name) != expected.get(name))


def left_to_the_settle(project):
    """What the fast path does not write: the search index, and the content's files copied as they are."""
    return (
        "pagefind/",
        *(f"{folder}/" for folder in preview.read_settings(str(project / "pelicanconf.py"))["STATIC_PATHS"]),
    )


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
    """(what the author does, the files saved, the page the browser shows), in order."""
    yield (
        "body edit",
        [author.edit("content/first-steps.md", "- two", "- two\n\nA paragraph added.")],
        "/posts/first-steps/",
    )
    yield (
        "title edit",
        [author.edit("content/subtitled.md", "Title: A post with a subtitle", "Title: A retitled post")],
        "/",
    )
    yield (
        "tag added",
        [author.edit("content/first-steps.md", "Tags: t1, writing", "Tags: t1, writing, Brand New")],
        "/tags/",
    )
    yield (
        "tag removed",
        [author.edit("content/first-steps.md", "Tags: t1, writing, Brand New", "Tags: t1, writing")],
        "/posts/first-steps/",
    )
    yield (
        "date moved",
        [author.edit("content/typography.md", "Date: 2025-06-30 17:45", "Date: 2023-05-01 08:00")],
        "/posts/quotes-and-dashes/",
    )
    yield "new post", [author.write("content/new-post.md", NEW_POST)], "/"
    image = author.project / "content/images/ring-240.png"
    shutil.copyfile(author.project / "content/images/ring-480.png", image)
    author.later(image)
    yield "image replaced", [image], "/posts/code-contents-and-pictures/"
    deleted = author.project / "content/features.md"
    deleted.unlink()
    yield "deleted post", [deleted], "/"
    yield "draft published", [author.edit("content/draft.md", "Status: draft\n", "")], "/drafts/a-draft/"
    yield (
        "template edit",
        [
            author.edit(
                "theme/templates/article.html", "{% block content %}", "{% block content %}\n<p>Edited.</p>"
            )
        ],
        "/posts/first-steps/",
    )
    yield (
        "stylesheet edit",
        [
            author.write(
                "theme/static/css/main.css",
                (author.project / "theme/static/css/main.css").read_text()
                + "\nmain { outline: 1px solid; }\n",
            )
        ],
        "/",
    )
    yield (
        "settings edit",
        [
            author.edit(
                "pelicanconf.py", 'SITESUBTITLE = "This is an optional subtitle."', 'SITESUBTITLE = "Edited."'
            )
        ],
        "/",
    )
    yield (
        "plugin edit",
        [author.edit("plugins/reading_time.py", "WORDS_PER_MINUTE = 238", "WORDS_PER_MINUTE = 20")],
        "/",
    )


def test_every_scripted_edit_shows_a_clean_builds_pages_at_once_and_settles_on_its_every_file(project):
    live = preview.Preview(project / "pelicanconf.py")
    assert live.start()
    assert differences(site_files(live.output), clean_build(project)) == []
    for step, saved, shown_url in scripted_edits(Author(project)):
        live.update(saved, [shown_url])
        plugins_changed = step == "plugin edit"
        expected = clean_build(project, in_a_new_process=plugins_changed)
        if not plugins_changed:  # the fast path cannot run plugins it has not imported: it settles
            fast = differences(site_files(live.output), expected, left_to_the_settle(project))
            assert fast == [], f"after the {step}, the fast path left these pages stale"
        assert live.settle(), f"after the {step}, the full build failed"
        assert differences(site_files(live.output), expected) == [], (
            f"after the {step}, the settled site differs"
        )


THE_RULE = preview.pages_to_render


def broken_rule_skipping_listings(old, new):
    """The dependency rule, broken on purpose: a title edit re-renders the post, not the listings."""
    return [call for call in THE_RULE(old, new) if not call.options.get("articles")]


def test_a_dependency_rule_that_skips_listings_is_caught(project, monkeypatch):
    # The test above must fail when the rule is wrong: here it leaves the listings with the old title.
    live = preview.Preview(project / "pelicanconf.py")
    assert live.start()
    monkeypatch.setattr(preview, "pages_to_render", broken_rule_skipping_listings)
    saved = Author(project).edit(
        "content/subtitled.md", "Title: A post with a subtitle", "Title: A retitled post"
    )
    live.update([saved], ["/posts/a-post-with-a-subtitle/"])
    stale = differences(site_files(live.output), clean_build(project), left_to_the_settle(project))
    assert {"page/2/index.html", "tag/t11/index.html", "archives/index.html"} <= set(stale)
    assert "posts/a-post-with-a-subtitle/index.html" not in stale  # the post itself was rendered
    live.stop_settle()


def test_the_page_the_browser_shows_is_rendered_before_the_rest(project):
    listing = project / "output" / "archives" / "index.html"
    seen_when_reloaded = []

    def reload(files):
        if files:
            seen_when_reloaded.append(
                (sorted(files), "A retitled post" in listing.read_text(encoding="utf-8"))
            )

    live = preview.Preview(project / "pelicanconf.py", reload=reload)
    assert live.start()
    saved = Author(project).edit(
        "content/subtitled.md", "Title: A post with a subtitle", "Title: A retitled post"
    )
    live.update([saved], ["/posts/a-post-with-a-subtitle/"])
    first_files, listing_was_current = seen_when_reloaded[0]
    assert first_files == ["posts/a-post-with-a-subtitle/index.html"] and not listing_was_current
    assert "A retitled post" in listing.read_text(encoding="utf-8")  # and the listing soon after
    live.stop_settle()


def test_a_template_edit_shows_on_the_shown_page_before_any_other_page(project):
    other_post = project / "output" / "posts" / "a-post-with-a-subtitle" / "index.html"
    seen_when_reloaded = []

    def reload(files):
        if files:
            seen_when_reloaded.append((sorted(files), b"Edited." in other_post.read_bytes()))

    live = preview.Preview(project / "pelicanconf.py", reload=reload)
    assert live.start()
    saved = Author(project).edit(
        "theme/templates/article.html", "{% block content %}", "{% block content %}\n<p>Edited.</p>"
    )
    live.update([saved], ["/posts/first-steps/"])
    assert seen_when_reloaded[0] == (["posts/first-steps/index.html"], False)
    assert b"Edited." in other_post.read_bytes()
    live.stop_settle()


def test_a_save_with_a_problem_prints_it_and_keeps_the_last_good_site(project, capsys):
    live = preview.Preview(project / "pelicanconf.py")
    assert live.start()
    good = site_files(live.output)
    saved = Author(project).edit("content/first-steps.md", "Date: 2024-01-15 08:30", "Date: 2024-13-45")
    live.update([saved], ["/posts/first-steps/"])
    printed = capsys.readouterr().err
    assert 'content/first-steps.md:2: has a Date, "2024-13-45", that is not a date' in printed
    assert f"Build failed: {shown(live.output)}/ is unchanged." in printed
    assert site_files(live.output) == good
    assert live.running_settle is None


def test_a_broken_link_found_only_by_the_full_build_puts_the_last_good_site_back(project, capsys):
    # The fast path renders the post at once; the settle checks every link, fails, and undoes it.
    live = preview.Preview(project / "pelicanconf.py")
    assert live.start()
    good = site_files(live.output)
    saved = Author(project).edit("content/first-steps.md", "- two", "- two\n\nSee [nothing](/no/such/page/).")
    live.update([saved], ["/posts/first-steps/"])
    assert b"/no/such/page/" in (live.output / "posts/first-steps/index.html").read_bytes()
    assert not live.settle()
    assert (
        "content/first-steps.md:15: links to /no/such/page/, which is not on the site"
        in capsys.readouterr().err
    )
    assert site_files(live.output) == good


def test_a_problem_in_a_post_the_cache_keeps_fails_every_warm_build(project):
    # A clean build fails on the post; so must each build after it that takes the post from the cache.
    Author(project).edit("content/first-steps.md", "- two", "- two\n\n![](images/ring-240.png)")
    for fresh in (True, False):
        with pytest.raises(BuildFailed):
            build_with_cache(project / "pelicanconf.py", project / "cache", fresh=fresh)


def test_a_warm_build_gives_a_tag_the_spelling_a_clean_build_gives_it(project):
    author = Author(project)
    for name, spelling in (("a", "aws"), ("b", "AWS"), ("c", "AWS")):
        author.write(
            f"content/{name}.md",
            f"Title: {name}\nDate: 2020-01-0{ord(name) - 96}\nTags: {spelling}\n\nText.\n",
        )
    build_with_cache(project / "pelicanconf.py", project / "cache", fresh=True)
    for name in ("b", "c"):
        (project / "content" / f"{name}.md").unlink()
    build_with_cache(project / "pelicanconf.py", project / "cache")
    warm = site_files(project / "output")
    assert differences(warm, clean_build(project)) == []
    assert b">aws</a>" in warm["posts/a/index.html"]


# With a real browser: the page it shows reloads with the change --------------------------------


@pytest.mark.browser
def test_livereload_reloads_the_page_the_browser_shows_with_the_saved_change(project, chromium):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = f"http://127.0.0.1:{port}"
        wait_until_served(address + "/")
        page = chromium.new_page()
        page.goto(address + "/posts/first-steps/")
        page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol", timeout=30_000)
        Author(project).edit("content/first-steps.md", "- two", "- two\n\nSaved while the page was open.")
        page.wait_for_function(
            "document.body.innerText.includes('Saved while the page was open.')", timeout=60_000
        )
        page.close()
    finally:
        server.terminate()  # it stops as by Ctrl-C, its full build with it
        try:
            _, errors = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate(timeout=30)
            pytest.fail("`invoke livereload` did not stop within 30 s of being asked to")
    assert not re.search(r"Traceback|Build failed", errors), errors


# The build profile ---------------------------------------------------------------------------------


def receivers_of_every_signal():
    """Each Pelican signal's receivers, those connected for any sender."""
    return {signal.name: set(signal.receivers_for(ANY)) for signal in pelican_signals()}


def test_the_build_profile_accounts_for_the_whole_build_and_leaves_every_receiver_as_it_was(project):
    build(project / "pelicanconf.py", CACHE_CONTENT=False)  # the plugins register, as for any build
    connected = receivers_of_every_signal()
    with BuildProfile() as profile:
        build(project / "pelicanconf.py", CACHE_CONTENT=False)
    report = profile.report()
    for part in (
        r"Pelican: reading the posts",
        r"Pelican's writer: files written",
        r"template article\.html \(\d+ pages\)",
        r"plugin plugins\.search_index \(Pagefind's search index\), its signal receivers",
        r"The slowest of \d+ pages to render:\n +[\d.]+ ms  \S+/index\.html  \(\w+\.html\)",
    ):
        assert re.search(part, report), part
    assert sum(profile.account.totals.values()) == pytest.approx(profile.total, rel=0.01)
    assert receivers_of_every_signal() == connected
