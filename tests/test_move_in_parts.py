"""The parts of `invoke move-in`, each fed small old blogs written here: reading the old settings without
running the blog's code, choosing what to take over, writing the settings files, reading the posts'
text, the refusal, and FORMER_ADDRESSES in plugins/redirects.py. tests/test_move_in.py runs the whole."""

import ast
import json
import shutil
from pathlib import Path

import pytest

from helpers import SEED_CONTENT, SITES, build_site
from ourblog import move_in_files
from ourblog.build import BuildFailed
from ourblog.move_in import STARTER_POST, MoveInRefused, move_in
from ourblog.move_in_choices import PELICANS_DEFAULT, Setting, choose
from ourblog.move_in_survey import survey
from ourblog.old_settings import SettingsUnreadable, read_old_settings
from plugins import problems


def old_blog(folder, settings, files=None, publish=None):
    """An old blog: its pelicanconf.py (and publishconf.py), a content folder with `files`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pelicanconf.py").write_text(f'PATH = "content"\n{settings}', encoding="utf-8")
    if publish is not None:
        (folder / "publishconf.py").write_text(publish, encoding="utf-8")
    for name, text in {"post.md": "Title: A post\nDate: 2024-01-01\n\nText.\n", **(files or {})}.items():
        (folder / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "content" / name).write_text(text, encoding="utf-8")
    return folder


# Reading the old settings --------------------------------------------------------------------------

PLUGIN_THAT_RUNS = """
from pathlib import Path
Path(__file__).with_name("RAN").write_text("ran")
raise RuntimeError("this plugin ran")
"""


def test_a_plugin_the_settings_import_gets_a_stand_in_and_never_runs(tmp_path):
    blog = old_blog(
        tmp_path / "blog",
        'import sys\nsys.path.append("plugins")\nimport fancy_figures\n'
        "from pelican_jupyter import markup as nb_markup\n"
        'PLUGINS = [fancy_figures, nb_markup, "sitemap"]\n',
    )
    (blog / "plugins").mkdir()
    (blog / "plugins" / "fancy_figures.py").write_text(PLUGIN_THAT_RUNS, encoding="utf-8")
    old = read_old_settings(blog)
    assert not (blog / "plugins" / "RAN").exists()
    assert old.stood_in == ["fancy_figures", "pelican_jupyter"]
    assert old.published["PLUGINS"] == ["fancy_figures", "pelican_jupyter.markup", "sitemap"]
    assert [short for _, short in old.plugins()] == ["fancy_figures", "jupyter", "sitemap"]


def test_settings_modules_beside_the_file_run_and_other_modules_of_the_blog_do_not(tmp_path):
    blog = old_blog(tmp_path / "blog", 'SITENAME = "Local"\n', publish=(
        "import os, sys\nsys.path.append(os.curdir)\nfrom pelicanconf import *\nimport helpers\n"
        'SITEURL = "https://old.example"\nFEED_ALL_ATOM = "feeds/all.atom.xml"\n'
    ))  # fmt: skip
    (blog / "helpers.py").write_text(PLUGIN_THAT_RUNS, encoding="utf-8")
    old = read_old_settings(blog)
    assert old.published["SITENAME"] == "Local" and old.published["SITEURL"] == "https://old.example"
    assert old.stood_in == ["helpers"] and not (blog / "RAN").exists()
    assert old.local["FEED_ALL_ATOM"] == "feeds/all.atom.xml"  # Pelican's default where the file sets none


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('open("notes.txt", "w").write("x")', "write notes.txt"),
        ('import subprocess\nsubprocess.run(["git", "describe"])', "start a program"),
        # A look-up of this machine's own name: were the guard to fail, nothing would leave the machine.
        ('import socket\nsocket.getaddrinfo("localhost", 80)', "network"),
        ('import os\nos.remove("content/post.md")', "delete a file"),
    ],
)
def test_a_settings_file_may_read_and_nothing_more(tmp_path, code, reason):
    blog = old_blog(tmp_path / "blog", code + "\n")
    with pytest.raises(SettingsUnreadable, match=reason):
        read_old_settings(blog)
    assert sorted(path.name for path in blog.rglob("*") if path.is_file()) == ["pelicanconf.py", "post.md"]


def test_a_settings_file_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    blog = old_blog(tmp_path / "blog", "while True:\n    pass\n")
    with pytest.raises(SettingsUnreadable, match="took longer than 2 s"):
        read_old_settings(blog, time_limit=2)


def test_a_missing_theme_deprecated_names_and_values_that_are_no_literals(tmp_path):
    blog = old_blog(
        tmp_path / "blog",
        'THEME = "themes/not-checked-out"\nARTICLE_DIR = "posts"\n'
        'JINJA_FILTERS = {"shout": lambda text: text.upper()}\nprint("a settings file that talks")\n',
    )
    old = read_old_settings(blog)
    assert old.own["THEME"] == "themes/not-checked-out"
    assert old.published["ARTICLE_PATHS"] == ["posts"] and not old.is_default("ARTICLE_PATHS")
    assert "ARTICLE_DIR" in " ".join(old.warnings)
    assert "function" in old.unreadable["JINJA_FILTERS"]
    assert old.is_default("TAG_URL") and old.published["TAG_URL"] == "tag/{slug}.html"


def test_a_blog_without_pelicanconf_or_its_named_file_says_what_to_do(tmp_path):
    (tmp_path / "blog").mkdir()
    with pytest.raises(SettingsUnreadable, match="--settings FILE"):
        read_old_settings(tmp_path / "blog")
    with pytest.raises(SettingsUnreadable, match=r"no settings file site\.py"):
        read_old_settings(tmp_path / "blog", "site.py")


# Choosing what to take over ------------------------------------------------------------------------


def chosen(tmp_path, settings, files=None, publish=None):
    blog = old_blog(tmp_path / "blog", settings, files, publish)
    old = read_old_settings(blog)
    return old, choose(old, blog / "content")


def test_every_address_setting_is_taken_over_with_pelicans_default_where_the_file_sets_none(tmp_path):
    _, takeover = chosen(
        tmp_path, 'ARTICLE_URL = "{date:%Y}/{slug}.html"\nARTICLE_SAVE_AS = "{date:%Y}/{slug}.html"\n'
    )
    settings = takeover.settings()
    assert (
        settings["ARTICLE_URL"] == "{date:%Y}/{slug}.html"
        and "ARTICLE_URL" not in takeover.pelicans_defaults()
    )
    for name, value in [
        ("TAG_SAVE_AS", "tag/{slug}.html"),
        ("TAGS_SAVE_AS", "tags.html"),
        ("TIMEZONE", "UTC"),
    ]:
        assert settings[name] == value and name in takeover.pelicans_defaults()
    assert settings["DEFAULT_PAGINATION"] is False
    assert settings["PAGINATION_PATTERNS"][1] == (2, "{name}{number}{extension}", "{name}{number}{extension}")
    # Pelican adds each kind's folders to the other's excludes itself: not written twice.
    assert settings["PAGE_EXCLUDES"] == [] and settings["ARTICLE_EXCLUDES"] == []
    assert not {"THEME", "PLUGINS", "TYPOGRIFY", "OUTPUT_PATH", "RELATIVE_URLS", "JINJA_ENVIRONMENT"} & set(
        settings
    )


def test_the_old_themes_own_pages_and_template_pages_lead_to_the_nearest_page(tmp_path):
    _, takeover = chosen(
        tmp_path,
        'DIRECT_TEMPLATES = ["index", "archives", "sitemap", "gallery"]\nARCHIVES_SAVE_AS = "archive/index.html"\n'
        'TEMPLATE_PAGES = {"src/books.html": "books.html"}\n',
    )
    assert takeover.former_addresses == {"sitemap.html": "archive/", "gallery.html": "", "books.html": ""}
    assert takeover.settings()["ARCHIVES_SAVE_AS"] == "archive/index.html"


def test_a_draft_leads_to_the_home_page_from_where_pelican_published_it(tmp_path):
    _, takeover = chosen(
        tmp_path,
        'DRAFT_URL = "drafts/{date:%Y}/{slug}/"\nDRAFT_SAVE_AS = "drafts/{date:%Y}/{slug}/index.html"\n',
        {"later.md": "Title: Not yet\nDate: 2023-05-01\nStatus: draft\n\nText.\n"},
    )
    assert takeover.former_addresses == {"drafts/2023/not-yet/": ""}
    assert "draft" in takeover.former_reasons["drafts/2023/not-yet/"]


def test_feeds_go_to_publishconf_as_the_old_site_published_them(tmp_path):
    _, takeover = chosen(
        tmp_path,
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n",
        publish='from pelicanconf import *\nSITEURL = "https://old.example/"\nFEED_ALL_ATOM = "feeds/all.atom.xml"\n'
        'TAG_FEED_RSS = "feeds/{slug}.tag.rss"\nFEED_MAX_ITEMS = 15\n',
    )
    published = {item.name: item.value for group in takeover.published for item in group.settings}
    assert published == {"FEED_ALL_ATOM": "feeds/all.atom.xml", "TAG_FEED_RSS": "feeds/{slug}.tag.rss",
                         "TRANSLATION_FEED_ATOM": "feeds/all-{lang}.atom.xml", "FEED_MAX_ITEMS": 15}  # fmt: skip
    local = takeover.settings()
    assert local["PUBLISHED_SITEURL"] == "https://old.example"  # without its trailing slash


def test_markdown_extensions_join_the_projects_and_one_not_installed_is_left_out(tmp_path):
    _, takeover = chosen(
        tmp_path,
        'MARKDOWN = {"extension_configs": {"toc": {"permalink": True}, "admonition": {}, "mdx_nowhere": {}},'
        ' "extensions": ["markdown.extensions.sane_lists"]}\n',
    )
    configs = takeover.settings()["MARKDOWN"]["extension_configs"]
    assert configs["markdown.extensions.toc"]["permalink"] == "#"  # the project's: its theme needs it
    assert (
        "toc" not in configs and configs["admonition"] == {} and "markdown.extensions.sane_lists" in configs
    )
    assert takeover.missing_extensions == ["mdx_nowhere"]


def test_notebooks_the_old_site_only_embedded_stay_out_of_the_posts(tmp_path):
    _, takeover = chosen(tmp_path, 'PLUGINS = ["liquid_tags.notebook"]\n', {"notebooks/a.ipynb": "{}"})
    assert takeover.settings()["ARTICLE_EXCLUDES"] == ["notebooks"]
    _, takeover = chosen(
        tmp_path / "jupyter", 'PLUGINS = ["pelican_jupyter.markup"]\n', {"notebooks/a.ipynb": "{}"}
    )
    assert takeover.settings()["ARTICLE_EXCLUDES"] == []


# Writing the settings files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<slug>.*)",
        'say "hi"\\',
        "tab\there",
        [(r"[^\w\s-]", ""), ("é", "e")],
        (1,),
        {"fr": ("fr_FR", "%d/%m/%Y"), "extra/robots.txt": {"path": "robots.txt"}},
        {"a", "b"},
        set(),
        None,
        False,
        3.5,
    ],
)
def test_each_value_is_written_as_a_literal_of_the_same_value(value):
    source = move_in_files.literal(value)
    assert ast.literal_eval(source) == value and type(ast.literal_eval(source)) is type(value)


def test_a_regular_expression_is_written_raw():
    assert move_in_files.literal(r"\d{4}") == r'r"\d{4}"'


def test_a_note_that_would_make_the_line_too_long_goes_above_it():
    short = move_in_files.assignment(Setting("A", "x", PELICANS_DEFAULT))
    assert short == f'A = "x"  # {PELICANS_DEFAULT}'
    long = move_in_files.assignment(Setting("A", "x" * 80, PELICANS_DEFAULT))
    assert long.splitlines()[0] == f"# {PELICANS_DEFAULT}:"


# The posts' text ---------------------------------------------------------------------------------------


def test_what_the_posts_use_is_read_from_their_text_and_never_from_their_code(tmp_path):
    content = tmp_path / "content"
    files = {
        "a.md": "Title: A\nKeywords: one,\n    two\nCover: images/a.png\n\n{% img /a.png %} costs $5 and $10.\n\n"
        "```\n{% fake %} $x$\n```\n\nInline `{% nope %}` and $x^2$.\n<!-- PELICAN_END_SUMMARY -->\n",
        "b.rst": "B\n#\n\n:date: 2024-01-01\n:keywords: k\n\n.. youtube:: abc\n\n.. note:: fine\n\n::\n\n   .. vimeo:: 1\n",
        "n.ipynb": json.dumps({"metadata": {"kernelspec": {}, "title": "N"}, "cells": []}),
        "n.nbdata": "Title: N\nMood: calm\n",
    }
    for name, text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    found = {source.path: source for source in survey(content).files}
    markdown, rest, notebook = found["a.md"], found["b.rst"], found["n.ipynb"]
    assert markdown.fields["keywords"] == "one, two" and markdown.liquid_tags == ["img"]
    assert markdown.has_math and markdown.has_summary_marker
    assert rest.unknown_directives == ["youtube"] and rest.fields["keywords"] == "k"
    assert notebook.fields == {"title": "N", "mood": "calm"}


def test_money_alone_is_not_math(tmp_path):
    (tmp_path / "a.md").write_text("Title: A\n\nIt costs $5 and $10, or \\$20.\n", encoding="utf-8")
    assert not survey(tmp_path).files[0].has_math


# The refusal -------------------------------------------------------------------------------------------


def project_with(tmp_path, content_files):
    project = tmp_path / "project"
    (project / STARTER_POST).parent.mkdir(parents=True)
    shutil.copy(SEED_CONTENT / STARTER_POST.name, project / STARTER_POST)
    (project / "content").mkdir()
    for name, data in content_files.items():
        (project / "content" / name).write_bytes(data)
    return project


STARTER = (SEED_CONTENT / STARTER_POST.name).read_bytes()


@pytest.mark.parametrize(
    "content_files",
    [
        {"mine.md": b"Title: Mine\n"},
        {STARTER_POST.name: STARTER + b"\nMy own words.\n"},
        {STARTER_POST.name: STARTER, "images/a.png": b"\x89PNG"},
    ],
)
def test_content_that_is_not_the_starter_post_is_refused_and_left_alone(tmp_path, content_files):
    project = project_with(tmp_path, {name: data for name, data in content_files.items() if "/" not in name})
    for name, data in content_files.items():
        (project / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "content" / name).write_bytes(data)
    blog = old_blog(tmp_path / "blog", "")
    with pytest.raises(MoveInRefused) as refusal:
        move_in(blog, project)
    message = str(refusal.value)
    assert message.startswith("content/ already holds") and message.endswith(".") and ". " not in message
    assert not (project / "pelicanconf.py").exists()
    assert {
        path.relative_to(project / "content").as_posix() for path in (project / "content").rglob("*.*")
    } == set(content_files)


def test_the_starter_post_unchanged_makes_way_for_the_old_blog(tmp_path):
    project = project_with(tmp_path, {STARTER_POST.name: STARTER, ".DS_Store": b""})
    blog = old_blog(tmp_path / "blog", 'SITENAME = "Old"\n', {"images/a.png": "png"})
    moved = move_in(blog, project)
    assert sorted(path.name for path in (project / "content").rglob("*") if path.is_file()) == [
        "a.png",
        "post.md",
    ]
    assert moved.copied == 2 and "SITENAME" in moved.takeover.settings()
    assert (project / "pelicanconf.py").is_file() and (project / "publishconf.py").is_file()


def test_a_blog_whose_content_is_its_root_leaves_its_machinery_behind(tmp_path):
    project = project_with(tmp_path, {})
    blog = tmp_path / "blog"
    settings = 'PATH = "."\nOUTPUT_PATH = "public"\nTHEME = "mytheme"\nPLUGIN_PATHS = ["plugins"]\n'
    for name in [
        "posts/a.md",
        "public/index.html",
        "cache/x",
        "mytheme/base.html",
        "plugins/p.py",
        ".git/HEAD",
    ]:
        (blog / name).parent.mkdir(parents=True, exist_ok=True)
        (blog / name).write_text("Title: A\nDate: 2024-01-01\n\nText.\n", encoding="utf-8")
    (blog / "pelicanconf.py").write_text(settings, encoding="utf-8")
    move_in(blog, project)
    assert sorted(path.name for path in (project / "content").iterdir()) == ["posts"]


# FORMER_ADDRESSES ------------------------------------------------------------------------------------


def test_a_former_address_leads_to_its_page_unless_a_page_is_there(tmp_path):
    former = {"old/sitemap.html": "archives/", "posts/military-information-agreement/": "", "gone/": ""}
    site = build_site(
        tmp_path / "output", "publishconf.py", SITEURL="https://example.org/blog", PATH=str(SEED_CONTENT),
        CACHE_PATH=str(tmp_path / "cache"), FORMER_ADDRESSES=former,
    )  # fmt: skip
    page = site.page("/old/sitemap.html")
    assert (
        page.find("meta", attrs={"http-equiv": "refresh"})["content"]
        == "0; url=https://example.org/blog/archives/"
    )
    assert page.title.get_text().startswith("Moved: Archives")
    home = site.page("/gone/")
    assert home.find("link", rel="canonical")["href"] == "https://example.org/blog/"
    # The post's own page is where the second former address is: it is the post, not a redirect.
    post = site.page("/posts/military-information-agreement/")
    assert post.find("meta", attrs={"http-equiv": "refresh"}) is None
    lines = (site.output / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/blog/old/sitemap.html /blog/archives/ 301" in lines and "/blog/gone/ /blog/ 301" in lines
    assert not [line for line in lines if "military" in line]


def test_a_former_address_leading_to_no_page_is_a_problem_of_the_settings(tmp_path):
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", PATH=str(SEED_CONTENT), FORMER_ADDRESSES={"old.html": "nowhere/"})
    assert problems.Problem(
        "", 0, 'FORMER_ADDRESSES leads "old.html" to "nowhere/", where this site has no page: '
        'name the address of one of its pages ("" for the home page).'
    ) in problems.last_report  # fmt: skip


def test_the_fixtures_plugins_folder_holds_what_must_never_run():
    # The dated blog's plugin would leave this mark: tests/test_move_in.py checks it never appears.
    source = (SITES / "old_blogs" / "dated" / "plugins" / "better_figures.py").read_text(encoding="utf-8")
    assert 'with_name("IMPORTED")' in source and "raise RuntimeError" in source
    assert not Path(SITES / "old_blogs" / "dated" / "plugins" / "IMPORTED").exists()
