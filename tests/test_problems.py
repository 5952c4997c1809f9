"""Bad input: every problem of every file in one run, one sorted line each naming the file; output/ kept.

Most cases build in this process (build.py, as the tasks do) and read what plugins/problems.py reported;
the defects site, plain `pelican content` and the tasks run as an author runs them, in a copy of the project.
"""

import os

import pytest

from bench.posts import write_posts
from helpers import FIXTURE_SETTINGS, ROOT, SITES, build_site, copy_project, run_in
from ourblog.build import BuildFailed, build_with_cache
from plugins import problems, reading

POST = "Title: A post\nDate: 2024-01-01 09:00\n"

# Each case: the files written into a content folder, and the one line the author reads.
CASES = {
    "broken {filename} link": (
        {"a.md": POST + "\nSee [the other post]({filename}/missing.md).\n"},
        "content/a.md:4: links to {filename}/missing.md, but content/missing.md does not exist.",
    ),
    "relative {filename} link to a missing file": (
        {"notes/a.md": POST + "\nSee [the other post]({filename}../missing.md).\n"},
        "content/notes/a.md:4: links to {filename}../missing.md, but content/missing.md does not exist.",
    ),
    "link to no page of the site": (
        {"a.md": POST + "Slug: a\n\nSee [the archive](/archive/).\n"},
        "content/a.md:5: links to /archive/, which is not on the site (on /category/misc/index.html and 2 more).",
    ),
    "link to a missing fragment": (
        {"a.md": POST + "Slug: a\n\nSee [below](#nowhere).\n\n## Somewhere\n"},
        "content/a.md:5: links to #nowhere, but no element of that page has the id nowhere.",
    ),
    "relative image that only its own page can find": (
        {"a.md": POST + "Slug: a\n\n![A kite](kite.png)\n", "images/kite.png": b""},
        "content/a.md:5: links to kite.png, which is not on the site (on /category/misc/index.html and 2 more): "
        "link it as {static}/images/kite.png.",
    ),
    "no title": (
        {"a.md": "Date: 2024-01-01\n\nText.\n"},
        'content/a.md: has no Title: add a "Title:" line to its front matter.',
    ),
    "no date": (
        {"a.md": "Title: A post\n\nText.\n"},
        'content/a.md: has no Date: add a "Date:" line to its front matter (Date: YYYY-MM-DD HH:MM).',
    ),
    "page without a title": (
        {"pages/about.md": "Summary: One sentence.\n\nText.\n"},
        'content/pages/about.md: has no Title: add a "Title:" line to its front matter.',
    ),
    "reST post without a title or date": (
        {"a.rst": ":tags: x\n\nText.\n"},
        "content/a.rst: has no Title and no Date: add a title (a heading above the text) and a :date: field.",
    ),
    "HTML file that is not a post": (
        {"demo/app.html": "<!doctype html><html><body><p>A demo.</p></body></html>\n"},
        "content/demo/app.html: has no Title and no Date: Pelican reads .html files in the content folder as posts, "
        'which need a <title> and a <meta name="date">. To publish it as it is, add its folder to STATIC_PATHS, '
        "ARTICLE_EXCLUDES and PAGE_EXCLUDES.",
    ),
    "Jinja template in the content folder": (
        {
            "templates/list.html": "<html><head><title>{{ SITENAME }}</title></head><body>{% for a in articles %}{% endfor %}</body></html>"
        },
        "content/templates/list.html: has no Date: it looks like a Jinja template, which Pelican reads as a post "
        "because it ends in .html: to render it, list it in TEMPLATE_PAGES, and add its folder to ARTICLE_EXCLUDES "
        "and PAGE_EXCLUDES.",
    ),
    "unparseable date": (
        {"a.md": POST.replace("2024-01-01 09:00", "2024-13-45") + "\nText.\n"},
        'content/a.md:2: has a Date, "2024-13-45", that is not a date: write YYYY-MM-DD HH:MM.',
    ),
    "a date in the file name that is not one": (
        {"2024-02-30-leap.md": "Title: Leap\n\nText.\n"},
        'content/2024-02-30-leap.md: its file name holds "2024-02-30", which Pelican reads as its date but is not '
        "a date: rename the file, or give it a Date line.",
    ),
    "unknown status": (
        {"a.md": POST + "Status: publshed\n\nText.\n"},
        'content/a.md:3: has an unknown Status, "publshed": use one of published, hidden, draft, or leave it out.',
    ),
    "image without alt text": (
        {"a.md": POST + "\n![]({static}/images/photo.png)\n", "images/photo.png": b""},
        "content/a.md:4: has an image, {static}/images/photo.png, without alt text: "
        "describe what it shows, as in ![a kite over a field]({static}/images/photo.png).",
    ),
    "not UTF-8": (
        {"a.md": (POST + "\nCaf\xe9.\n").encode("latin-1")},
        "content/a.md:4: is not UTF-8 (byte 0xe9 on line 4): save it as UTF-8.",
    ),
    "two posts at one address": (
        {"a.md": POST + "Slug: same\n\nA.\n", "b.md": POST + "Slug: same\n\nB.\n"},
        "content/b.md:3: its page would be written to posts/same/index.html, the place of content/a.md: "
        "give it another Slug (or set its own save_as).",
    ),
    "a template the theme lacks": (
        {"a.md": POST + "Template: 100days\n\nText.\n"},
        'content/a.md:3: asks for Template "100days", but the theme has no 100days.html (in {templates}): '
        "add it, or remove the Template line.",
    ),
}


def write_content(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def in_a_project(tmp_path, monkeypatch):
    """A folder like the project's: paths are reported relative to it, as "content/a.md"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path


def lines_reported(project, files):
    write_content(project / "content", files)
    with pytest.raises(BuildFailed):
        build_site(project / "output", PATH=str(project / "content"))
    return [str(problem) for problem in problems.last_report if not problem.note]


@pytest.mark.parametrize(("files", "line"), CASES.values(), ids=CASES.keys())
def test_each_problem_is_one_line_naming_the_file(in_a_project, files, line):
    templates = problems.shown(ROOT / "theme" / "templates")  # as seen from where the build runs
    assert lines_reported(in_a_project, files) == [line.replace("{templates}", templates)]
    assert not (in_a_project / "output").exists()


def test_a_file_no_reader_reads_is_a_note_and_fails_nothing(in_a_project):
    write_content(in_a_project / "content", {"a.md": POST + "\nText.\n", "slides/talk.key": "slides"})
    built = build_site(in_a_project / "output", PATH=str(in_a_project / "content"))
    assert built.notes == [
        "content/slides/talk.key: note: is not on the site: no reader reads .key files. "
        "To copy it as it is, add its folder to STATIC_PATHS."
    ]


def test_a_page_of_the_authors_at_the_place_of_a_theme_page_wins(in_a_project):
    # Pelican writes a page wherever its settings put it: a convention of the theme's never refuses it.
    # The 404 page is written as Pelican's documentation says.
    pages = {
        "pages/search.md": "Title: Search\n\nMy own search page.\n",
        "pages/404.md": "Title: Lost\nStatus: hidden\nSave_as: 404.html\n\nLost?\n",
    }
    write_content(in_a_project / "content", {"a.md": POST + "\nText.\n", **pages})
    built = build_site(in_a_project / "output", PATH=str(in_a_project / "content"))
    assert "My own search page." in built.page("/search/").get_text()
    assert "Lost?" in built.page("/404.html").get_text()
    assert built.notes == [
        "content/pages/404.md: note: is written to 404.html, where the theme's 404 page would be: yours is the page there.",
        "content/pages/search.md: note: is written to search/index.html, where the theme's search page would be: "
        "yours is the page there.",
    ]


def test_feeds_without_a_site_address_are_left_out_with_a_note(in_a_project):
    # Pelican writes feeds without a SITEURL (with relative links, and a warning): never a reason to fail.
    write_content(in_a_project / "content", {"a.md": POST + "\nText.\n"})
    built = build_site(
        in_a_project / "output", "publishconf.py", SITEURL="", PATH=str(in_a_project / "content")
    )
    assert built.notes == [
        "note: CATEGORY_FEED_ATOM, FEED_ALL_ATOM, FEED_ALL_JSON, FEED_ALL_RSS, SITEMAP_SAVE_AS, SOCIAL_CARDS_PATH, "
        "TAG_FEED_ATOM need the site's address, which this build has not (SITEURL is empty): they are left out. "
        "The publish build writes them (SITEURL=https://example.org/blog invoke preview)."
    ]
    assert not (built.output / "feeds").exists()


DEFECTS = SITES / "defects" / "content"
# Ten defects in eight files (tests/sites/defects/content), as the author reads them, sorted by file and line.
DEFECT_LINES = [
    'content/a.md: has no Title: add a "Title:" line to its front matter.',
    "content/a.md:5: has an image, https://example.com/kite.png, without alt text: describe what it shows, "
    "as in ![a kite over a field](https://example.com/kite.png).",
    'content/b.md:2: has a Date, "2024-13-45", that is not a date: write YYYY-MM-DD HH:MM.',
    "content/b.md:4: links to {filename}/missing.md, but content/missing.md does not exist.",
    'content/c.md:3: has an unknown Status, "publshed": use one of published, hidden, draft, or leave it out.',
    "content/d.md:5: links to /posts/nowhere/, which is not on the site (on /category/misc/index.html and 2 more).",
    "content/e.md:3: its page would be written to posts/taken/index.html, the place of content/d.md: "
    "give it another Slug (or set its own save_as).",
    'content/f.md:3: asks for Template "gallery", but the theme has no gallery.html (in theme/templates): '
    "add it, or remove the Template line.",
    "content/g.md:4: is not UTF-8 (byte 0xe9 on line 4): save it as UTF-8.",
    'content/pages/about.md:3: has a link with no address, "the contact page": write where it leads, or leave '
    "the text unlinked.",
]


@pytest.fixture
def defects_project(tmp_path):
    project = copy_project(tmp_path / "project", content=DEFECTS)
    return project


@pytest.mark.slow
def test_ten_defects_in_seven_files_are_ten_sorted_lines_the_same_in_every_run(defects_project):
    # Pelican collects files in a set, whose order changes with the hash seed: the report must not.
    runs = [run_in(defects_project, "-m", "invoke", "build", PYTHONHASHSEED=seed) for seed in ("1", "2")]
    for result in runs:
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            *DEFECT_LINES,
            "10 problems in 8 files.",
            "Build failed: output/ is unchanged.",
        ]
        assert "Traceback" not in result.stdout + result.stderr
    assert not (defects_project / "output").exists()


@pytest.mark.slow
def test_plain_pelican_prints_the_same_lines_without_a_traceback(defects_project):
    result = run_in(defects_project, "-m", "pelican", "content")
    assert result.returncode == 1
    printed = result.stderr.splitlines()
    assert printed[-11:] == [*DEFECT_LINES, "10 problems in 8 files."]
    assert "Traceback" not in result.stdout + result.stderr


def output_files(output):
    return {
        path.relative_to(output): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()
    }


@pytest.mark.slow
@pytest.mark.parametrize("task", ["build", "preview"])
def test_failed_build_leaves_the_previous_output_untouched(project, task):
    assert run_in(project, "-m", "invoke", task).returncode == 0
    output = project / "output"
    before = output_files(output)
    assert (output / "posts" / "military-information-agreement" / "index.html").is_file()

    # A post that changes, and a template that fails only once post pages have been written.
    (project / "content" / "new.md").write_text(POST + "Tags: t1\n\nNew.\n", encoding="utf-8")
    (project / "theme" / "templates" / "tag.html").write_text(
        "{{ tag.no_such_field.name }}", encoding="utf-8"
    )
    result = run_in(project, "-m", "invoke", task)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "theme/templates/tag.html:1: UndefinedError: 'pelican.urlwrappers.Tag object' has no attribute 'no_such_field'",
        "Build failed: output/ is unchanged.",
    ]
    assert output_files(output) == before
    assert list(project.glob(".staging-*")) == []


@pytest.mark.slow
def test_a_build_failing_while_the_search_index_is_written_leaves_nothing_behind(project):
    # Pagefind indexes the posts once every post and page is written, while Pelican writes the rest: the
    # redirect pages of former addresses, here, whose template fails. Nothing may be left behind.
    write_posts(project / "content", 60)
    (project / "content" / "moved.md").write_text(POST + "Aliases: /old/\n\nMoved.\n", encoding="utf-8")
    (project / "theme" / "templates" / "redirect.html").write_text(
        "{{ redirect_target.no_such_field.name }}", encoding="utf-8"
    )
    result = run_in(project, "-m", "invoke", "build")
    assert result.returncode == 1
    assert result.stderr.startswith("theme/templates/redirect.html:1: UndefinedError: ")
    assert list(project.glob(".staging-*")) == []
    assert not (project / "output").exists()


@pytest.mark.slow
def test_publish_never_sends_a_half_built_site(project, tmp_path):
    # An rsync that notes each call: publish must not call it after a failed build.
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "rsync-calls"
    (tools / "rsync").write_text(f'#!/bin/sh\necho "$@" >> {calls}\n', encoding="utf-8")
    (tools / "rsync").chmod(0o755)
    (project / "content" / "bad.md").write_text("Title: Bad\n\nNo date.\n", encoding="utf-8")
    path = f"{tools}{os.pathsep}{os.environ['PATH']}"
    target = tmp_path / "deployed"
    result = run_in(
        project,
        "-m",
        "invoke",
        "publish",
        PUBLISH_TARGET=str(target),
        SITEURL="https://example.org",
        PATH=path,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("content/bad.md: has no Date")
    assert not calls.exists() and not target.exists()


@pytest.mark.slow
@pytest.mark.parametrize("task", ["build", "preview", "clean"])
def test_tasks_keep_what_a_deploy_target_keeps_in_output(project, task):
    output = project / "output"
    (output / ".git").mkdir(parents=True)
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (output / "CNAME").write_text("blog.example.org\n")
    (output / "old-page.html").write_text("from a post since deleted")

    assert run_in(project, "-m", "invoke", task).returncode == 0
    assert (output / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (output / "CNAME").read_text() == "blog.example.org\n"
    assert not (output / "old-page.html").exists()
    assert (output / "index.html").is_file() == (task != "clean")


def test_nothing_is_reported_for_a_site_without_problems(in_a_project):
    write_content(in_a_project / "content", {"a.md": POST + "\nText.\n"})
    build_site(in_a_project / "output", PATH=str(in_a_project / "content"))
    assert problems.last_report == []
    assert os.listdir(in_a_project) == ["content", "output"]


def test_a_url_setting_without_its_save_as_is_one_line_naming_both(in_a_project):
    # As an author who copies only the URL settings of an old blog's pelicanconf.py writes them.
    write_content(
        in_a_project / "content", {"a.md": POST + "\nText.\n", "pages/about.md": "Title: About\n\nMe.\n"}
    )
    with pytest.raises(BuildFailed):
        build_site(
            in_a_project / "output",
            PATH=str(in_a_project / "content"),
            ARTICLE_URL="{slug}.html",
            TAG_URL="tag/{slug}.html",
        )
    assert [str(problem) for problem in problems.last_report] == [
        'ARTICLE_URL ("{slug}.html") and ARTICLE_SAVE_AS ("posts/{slug}/index.html") disagree: pages are written '
        "to posts/x/index.html and linked as x.html, so every link to them is broken. Set both (an old blog's "
        'Pelican settings: ARTICLE_SAVE_AS = "{slug}.html").',
        'TAG_URL ("tag/{slug}.html") and TAG_SAVE_AS ("tag/{slug}/index.html") disagree: pages are written to '
        "tag/x/index.html and linked as tag/x.html, so every link to them is broken. Set both (an old blog's "
        'Pelican settings: TAG_SAVE_AS = "tag/{slug}.html").',
    ]


@pytest.mark.parametrize(
    "settings",
    [
        {"ARTICLE_URL": "{slug}.html", "ARTICLE_SAVE_AS": "{slug}.html"},
        {"ARTICLE_URL": "{date:%Y}/{slug}/", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"},
        {"ARTICLE_URL": "{date:%Y}/{slug}", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"},
        {"ARTICLE_URL": "posts/{slug}", "ARTICLE_SAVE_AS": "posts/{slug}.html"},  # hosts serve x.html for x
    ],
)
def test_url_settings_that_agree_with_their_save_as_pass(in_a_project, settings):
    write_content(in_a_project / "content", {"a.md": POST + "Slug: a\n\nText.\n"})
    built = build_site(in_a_project / "output", PATH=str(in_a_project / "content"), **settings)
    assert [str(problem) for problem in problems.last_report] == [] and built.output.is_dir()


def test_the_local_build_checks_links_to_where_the_site_is_published(in_a_project):
    # The publish build checks a link written as the site's full address; the local build finds it first.
    post = (
        POST
        + "Slug: a\n\nSee [the archive](https://blog.example/sub/archive/) and [home](https://blog.example/sub/).\n"
    )
    write_content(in_a_project / "content", {"a.md": post})
    with pytest.raises(BuildFailed):
        build_site(
            in_a_project / "output",
            PATH=str(in_a_project / "content"),
            PUBLISHED_SITEURL="https://blog.example/sub",
        )
    assert [str(problem) for problem in problems.last_report] == [
        "content/a.md:5: links to https://blog.example/sub/archive/, which is not on the site (on /category/misc/index.html "
        "and 2 more)."
    ]


def test_a_warm_build_reports_what_a_clean_one_does_and_links_what_it_links(in_a_project, monkeypatch):
    # Pelican's content cache keeps what each reader made of a file: a warm build reads only the files that
    # changed, yet fails on the same problems, and resolves every post's links in its own build.
    write_content(
        in_a_project / "content",
        {
            "a.md": POST.replace("2024-01-01 09:00", "2024-13-45")
            + "Slug: a\n\n![A kite]({static}/images/kite.png)\n",
            "images/kite.png": (SITES / "sample" / "content" / "images" / "ring-240.png").read_bytes(),
        },
    )
    reads = []
    read = reading.MarkdownReader.read
    monkeypatch.setattr(
        reading.MarkdownReader, "read", lambda reader, path: reads.append(path) or read(reader, path)
    )
    cache, lines = in_a_project / "cache", []
    for _ in ("cold", "warm"):
        with pytest.raises(BuildFailed):
            build_with_cache(
                FIXTURE_SETTINGS / "pelicanconf.py",
                cache,
                output=in_a_project / "output",
                PATH=str(in_a_project / "content"),
            )
        lines.append([str(problem) for problem in problems.last_report])
    assert (
        lines[0]
        == lines[1]
        == ['content/a.md:2: has a Date, "2024-13-45", that is not a date: write YYYY-MM-DD HH:MM.']
    )
    assert len(reads) == 1  # the warm build took the post from the cache
    write_content(
        in_a_project / "content", {"a.md": POST + "Slug: a\n\n![A kite]({static}/images/kite.png)\n"}
    )
    build_with_cache(
        FIXTURE_SETTINGS / "pelicanconf.py",
        cache,
        output=in_a_project / "output",
        PATH=str(in_a_project / "content"),
    )
    build_with_cache(
        FIXTURE_SETTINGS / "pelicanconf.py",
        cache,
        output=in_a_project / "output",
        PATH=str(in_a_project / "content"),
    )
    page = (in_a_project / "output" / "posts" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'src="/images/kite.png"' in page


def test_the_local_build_finds_every_problem_the_publish_build_would(in_a_project):
    # What only the published site lacks or knows: drafts left out, the site's address.
    files = {
        "a.md": POST
        + "Slug: a\nImage: {static}/images/none.png\nImage_alt: a kite\n\n[The draft]({filename}/b.md)\n",
        "b.md": POST + "Slug: b\nStatus: draft\n\nNot yet.\n",
        "c.md": POST
        + "Slug: c\nAliases: https://elsewhere.example/old/\n\n[Old](https://blog.example/gone/)\n",
    }
    write_content(in_a_project / "content", files)
    found = {}
    for settings_file in ("pelicanconf.py", "publishconf.py"):
        with pytest.raises(BuildFailed):
            build_site(
                in_a_project / "output",
                settings_file,
                PATH=str(in_a_project / "content"),
                PUBLISHED_SITEURL="https://blog.example",
                SITEURL="" if settings_file == "pelicanconf.py" else "https://blog.example",
            )
        # Where each problem is: the words may differ (the draft is gone from the published site, and the
        # link to it with it, whose line the published build cannot tell).
        found[settings_file] = {
            (problem.path, problem.line) for problem in problems.last_report if not problem.note
        }
    assert {path for path, _ in found["publishconf.py"]} <= {path for path, _ in found["pelicanconf.py"]}
    assert len(found["publishconf.py"]) <= len(found["pelicanconf.py"])
    # The picture, the link to the draft, the alias on another host, the link to the site's own address.
    assert found["pelicanconf.py"] == {
        ("content/a.md", 4),
        ("content/a.md", 7),
        ("content/c.md", 4),
        ("content/c.md", 6),
    }
