"""`invoke move-in OLD_BLOG`, run as an author runs it, on the old blogs of tests/sites/old_blogs/.

Each old blog is moved into a copy of the repository (helpers.copy_repository) and its publish site is
built there with `invoke preview`; plain Pelican builds the same folder with the same settings files:
Pelican's own defaults, no plugins, its `simple` theme in place of the old theme, which is not there (a
page stands in for each direct template of the old theme's own), and the blogs' plugin modules replaced
by the harmless ones of tests/sites/old_blogs/stand_ins/. Every page, feed and file plain Pelican writes
(but for the theme's own files) must be in ours, as the same file or as a redirect page that leads to a
page of ours, and each feed must list the same posts at the same addresses.

The old blogs:

- quickstart: pelican-quickstart's layout (pelicanconf.py and publishconf.py), Pelican's default
  addresses, three posts a page, a draft, a page of the old theme's own (sitemap.html), theme features
  (comments, analytics, a blogroll) and fields of other themes (Keywords, Cover, Headline, Related_posts);
- dated: one settings file, reST mostly, `{date:%Y}/{date:%m}/{slug}.html`, two posts a page under
  `page/N/`, feeds for each category and tag, a series, a hidden post, a Markdown extension that is not
  installed, and a plugin of its own whose import would write a file and raise;
- bilingual: French and English, the blog's root as its content folder, languages from folders
  (PATH_METADATA), dates and slugs from file names (FILENAME_METADATA), a favicon and CNAME moved by
  EXTRA_PATH_METADATA, `{lang}` addresses, i18n_subsites;
- datascience: notebooks as posts (pelican-jupyter, imported by the settings file), Liquid tags (img,
  include_code, notebook, youtube), MathJax's math, every address under blog/.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from pelican.settings import get_settings_from_file

from helpers import COMMAND_TIME_LIMIT, SITES, copy_repository, run_in

OLD_BLOGS = SITES / "old_blogs"
STAND_INS = OLD_BLOGS / "stand_ins"
BLOGS = ["quickstart", "dated", "bilingual", "datascience"]
# Where each old site was published: its SITEURL, in publishconf.py or its only settings file.
PUBLISHED_AT = {
    "quickstart": "https://fieldnotes.example",
    "dated": "https://slowreading.example/blog",
    "bilingual": "https://carnets.example",
    "datascience": "https://residuals.example",
}

# Plain Pelican on an old blog's folder, in a process of its own, so that no plugin of the project that
# another test loaded listens to its signals. A direct template of the old theme's own that `simple` lacks
# gets a page of its own; a Markdown extension that is not installed is left out, as move-in leaves it out.
PLAIN_PELICAN = r"""
import importlib.util, os, sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import DEFAULT_THEME, read_settings

settings_file, output, templates = sys.argv[1:]
simple = os.path.join(os.path.dirname(DEFAULT_THEME), "simple")
overrides = {"PLUGINS": [], "THEME": simple, "OUTPUT_PATH": output, "THEME_TEMPLATES_OVERRIDES": [templates]}
settings = read_settings(settings_file, override=overrides)
for name in settings["DIRECT_TEMPLATES"]:
    if not os.path.exists(os.path.join(simple, "templates", name + ".html")):
        Path(templates, name + ".html").write_text('{% extends "base.html" %}{% block content %}{% endblock %}')

def installed(name):
    try:
        return importlib.util.find_spec(name.partition(":")[0]) is not None
    except ImportError:
        return False

markdown = dict(settings["MARKDOWN"])
markdown["extension_configs"] = {name: config for name, config in markdown["extension_configs"].items() if installed(name)}
Pelican(read_settings(settings_file, override={**overrides, "MARKDOWN": markdown})).run()
"""

# Each test runs the project's commands in a copy of it, as an author would: left out of --quick.
pytestmark = pytest.mark.slow


@dataclass
class MovedInBlog:
    name: str
    project: Path  # the copy of the repository it was moved into
    report: str  # what `invoke move-in` printed
    ours: Path  # the publish build's output folder
    plain: Path  # plain Pelican's

    def settings(self, file="pelicanconf.py"):
        return get_settings_from_file(str(self.project / file))


def plain_pelican(blog, folder):
    """Build an old blog with plain Pelican into `folder`/output; return that."""
    templates = folder / "templates"
    templates.mkdir(parents=True)
    settings = "publishconf.py" if (blog / "publishconf.py").exists() else "pelicanconf.py"
    # The stand-ins come before the blog's own plugins folder, which its settings file appends to sys.path.
    environment = {**os.environ, "PYTHONPATH": str(STAND_INS), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", PLAIN_PELICAN, settings, str(folder / "output"), str(templates)]
    ran = subprocess.run(
        command, cwd=blog, env=environment, capture_output=True, text=True, timeout=COMMAND_TIME_LIMIT
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return folder / "output"


def move_in(tmp_path_factory, name):
    """The old blog moved into a fresh copy of the repository, as an author does it: (project, report)."""
    project = copy_repository(tmp_path_factory.mktemp(f"move-in-{name}") / "project")
    ran = run_in(project, "-m", "invoke", "move-in", f"tests/sites/old_blogs/{name}")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return project, ran.stdout


@pytest.fixture(scope="module", params=BLOGS)
def moved_in(request, tmp_path_factory):
    name = request.param
    project, report = move_in(tmp_path_factory, name)
    # SITEURL unset: the publish build is for the old site's address, which move-in wrote down.
    environment = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    built = subprocess.run(
        [sys.executable, "-m", "invoke", "preview"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIME_LIMIT,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    plain = plain_pelican(OLD_BLOGS / name, tmp_path_factory.mktemp(f"plain-{name}"))
    return MovedInBlog(name, project, report, project / "output", plain)


def written_files(output):
    """Every file of a build but the theme's own, relative to its folder."""
    return sorted(
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.is_file() and path.relative_to(output).parts[0] != "theme"
    )


def file_at(output, address, siteurl):
    """The file of a build that answers an address of the site, or None."""
    path = address.removeprefix(siteurl).split("#")[0].lstrip("/")
    for candidate in (path, f"{path}index.html" if path.endswith("/") or not path else f"{path}/index.html"):
        if candidate and (output / candidate).is_file():
            return output / candidate
    return None


def redirect_target(page):
    """Where a redirect page sends the browser, or None for a page of its own."""
    refresh = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"http-equiv": "refresh"}
    )
    return refresh["content"].split("url=", 1)[1] if refresh else None


def section(report, title):
    """The lines of a part of the report, after its title, up to the blank line that ends it."""
    lines = report.splitlines()
    start = next((number for number, line in enumerate(lines) if line.startswith(title)), None)
    assert start is not None, f"the report has no part {title!r}:\n{report}"
    part = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        part.append(line.strip())
    return part


def line_about(lines, *words):
    """The one line holding every word."""
    found = [line for line in lines if all(word in line for word in words)]
    assert len(found) == 1, f"no single line holds {words}: {lines}"
    return found[0]


# Every address keeps working -------------------------------------------------------------------------


def test_every_page_feed_and_file_plain_pelican_writes_is_in_the_moved_in_site(moved_in):
    siteurl = PUBLISHED_AT[moved_in.name]
    missing, leading_nowhere = [], []
    plain_files = written_files(moved_in.plain)
    assert len(plain_files) > 15, plain_files  # plain Pelican did build the blog
    for path in plain_files:
        ours = moved_in.ours / path
        if not ours.is_file():
            missing.append(path)
        elif ours.suffix == ".html" and redirect_target(ours):
            target = redirect_target(ours)
            if not (target.startswith(siteurl) and file_at(moved_in.ours, target, siteurl)):
                leading_nowhere.append(f"{path} -> {target}")
    assert missing == [] and leading_nowhere == []


def test_each_feed_lists_the_posts_plain_pelicans_lists_at_their_addresses(moved_in):
    feeds = [path for path in written_files(moved_in.plain) if path.endswith(".xml")]
    assert feeds, "plain Pelican wrote no feed"
    # Plain Pelican, without the old site's plugins, reads no notebook: ours has those posts besides.
    notebooks = [
        path for path in (OLD_BLOGS / moved_in.name).rglob("*.ipynb") if "notebooks" not in path.parts
    ]
    for path in feeds:
        plain, ours = feedparser.parse(moved_in.plain / path), feedparser.parse(moved_in.ours / path)
        assert not ours.bozo, f"{path}: {ours.bozo_exception}"
        assert plain.entries, path
        plain_links, our_links = (
            {entry.link for entry in plain.entries},
            {entry.link for entry in ours.entries},
        )
        assert plain_links <= our_links, path
        assert len(our_links - plain_links) <= len(notebooks), path


def test_the_redirect_pages_are_written_only_where_the_old_site_had_a_page(moved_in):
    # A former address is one plain Pelican wrote, or a subsite's home page (i18n_subsites wrote it).
    plain_files = set(written_files(moved_in.plain))
    for address in moved_in.settings().get("FORMER_ADDRESSES", {}):
        if address not in plain_files and f"{address}index.html" not in plain_files:
            assert "subsite" in line_about(section(moved_in.report, "Leading elsewhere now"), f"{address} ->")


def test_the_settings_files_are_clean_python_and_record_the_old_address(moved_in):
    files = [moved_in.project / "pelicanconf.py", moved_in.project / "publishconf.py"]
    for command in (["check"], ["format", "--check"]):
        ran = run_in(moved_in.project, "-m", "ruff", *command, *map(str, files))
        assert ran.returncode == 0, ran.stdout + ran.stderr
    settings = moved_in.settings()
    assert settings["PUBLISHED_SITEURL"] == PUBLISHED_AT[moved_in.name]
    assert settings["REQUIRE_ALT_TEXT"] is False
    text = files[0].read_text(encoding="utf-8")
    assert f"Moved in from tests/sites/old_blogs/{moved_in.name}" in " ".join(text.split())
    assert "from ourblog.settings import *  # noqa: F403" in text


# What each report says ---------------------------------------------------------------------------------


def test_the_report_counts_what_was_taken_over_and_names_the_addresses(moved_in):
    taken = section(moved_in.report, "Taken over")
    assert line_about(taken, "published at", PUBLISHED_AT[moved_in.name])
    settings = moved_in.settings()
    assert line_about(taken, "posts", settings["ARTICLE_URL"])
    assert line_about(taken, "tags", settings["TAG_URL"])
    # Every feed the old site published is at an address the report names.
    patterns = [line.split()[1] for line in taken if line.startswith("feed ")]
    addresses = [
        re.escape(pattern).replace(r"\{slug\}", "[^/]+").replace(r"\{lang\}", "[^/]+") for pattern in patterns
    ]
    for path in written_files(moved_in.plain):
        if path.endswith(".xml"):
            assert any(re.fullmatch(address, path) for address in addresses), (path, patterns)


@pytest.mark.parametrize("moved_in", ["quickstart"], indirect=True)
def test_quickstart_the_report(moved_in):
    report = moved_in.report
    leading = section(report, "Leading elsewhere now")
    assert line_about(leading, "sitemap.html -> archives.html", "the old theme's sitemap page")
    assert line_about(leading, "drafts/notes-on-slugs-unfinished.html -> the home page", "never publishes")
    not_honoured = section(report, "Not honoured here")
    assert line_about(not_honoured, "related_posts", "1 post (2023-05-07-bees.md)")
    assert line_about(not_honoured, "comments", "DISQUS_SITENAME")
    assert line_about(not_honoured, "analytics", "GOOGLE_ANALYTICS")
    assert line_about(not_honoured, "LINKS, SOCIAL")
    honoured = section(report, "Honoured in this project's own way")
    assert line_about(honoured, "PELICAN_END_SUMMARY", "2023-04-19-rain-gauge.md")
    assert line_about(honoured, "plugin sitemap")
    assert line_about(section(report, "This project's own"), "themes/pelican-bootstrap3", "not there")
    fields = section(report, "Metadata fields nothing here reads")
    assert line_about(fields, "Keywords: 2 posts", "2023-02-11-first-frost.md", "2023-03-02-seed-trays.md")
    assert not [line for line in fields if line.startswith(("Cover", "Headline"))]  # those are read
    assert "Pelican's default" in line_about(
        (moved_in.project / "pelicanconf.py").read_text().splitlines(), "TAG_SAVE_AS"
    )
    assert moved_in.settings()["DEFAULT_PAGINATION"] == 3


@pytest.mark.parametrize("moved_in", ["dated"], indirect=True)
def test_dated_the_report(moved_in):
    report = moved_in.report
    assert section(report, "Imports given a stand-in") == ["better_figures"]
    not_honoured = section(report, "Not honoured here")
    assert line_about(not_honoured, "plugin better_figures", "nothing here does what it did")
    assert line_about(not_honoured, "plugin pelican_youtube", ".. youtube::")
    extensions = section(report, "Markdown extensions")
    assert line_about(extensions, "mdx_truly_sane_lists", "2 posts")
    assert line_about(section(report, "Honoured"), "plugin series", "3 posts")
    own = section(report, "This project's own")
    assert line_about(own, "TYPOGRIFY") and line_about(own, "SUMMARY_MAX_LENGTH")
    published = moved_in.settings("publishconf.py")
    assert published["FEED_MAX_ITEMS"] == 20 and published["RSS_FEED_SUMMARY_ONLY"] is True
    markdown = moved_in.settings()["MARKDOWN"]["extension_configs"]
    assert "markdown.extensions.admonition" in markdown and "mdx_truly_sane_lists" not in markdown


@pytest.mark.parametrize("moved_in", ["bilingual"], indirect=True)
def test_bilingual_the_report(moved_in):
    report = moved_in.report
    assert line_about(
        section(report, "Taken over"), "translations", "{lang}/{date:%Y}/{slug}/", "3 translations"
    )
    assert line_about(section(report, "Leading elsewhere now"), "en/ -> the home page", "i18n_subsites")
    assert line_about(section(report, "Honoured"), "plugin i18n_subsites", "3 posts")
    assert line_about(section(report, "Not honoured here"), "TWITTER_USERNAME")
    assert line_about(section(report, "Metadata fields"), "Keywords: 1 post (posts/fr/2022-09-01_rentree.md)")
    # Its content folder is its root: what the root holds beside the posts stays behind.
    content = moved_in.project / "content"
    assert sorted(path.name for path in content.iterdir()) == ["extra", "images", "pages", "posts"]


@pytest.mark.parametrize("moved_in", ["datascience"], indirect=True)
def test_datascience_the_report(moved_in):
    report = moved_in.report
    assert section(report, "Imports given a stand-in") == ["pelican_jupyter"]
    honoured = section(report, "Honoured")
    notebooks = line_about(honoured, "plugin pelican_jupyter.markup")
    assert "2020-06-30-gradient-descent.ipynb" in notebooks and "bootstrap.ipynb" not in notebooks
    assert line_about(honoured, "liquid_tags.img", "liquid_tags.youtube", "liquid_tags.notebook")
    for tag, post in [("img", "residual-plots"), ("include_code", "bootstrap"), ("youtube", "a-talk")]:
        assert line_about(honoured, f"{{% {tag} %}}", "1 post", post)
    assert line_about(honoured, "plugin render_math", "MATH_JAX is not read", "2 posts")
    # The notebook post is on the moved-in site, which plain Pelican, without its plugin, could not write.
    assert (moved_in.ours / "blog" / "gradient-descent" / "index.html").is_file()


# What never happens ---------------------------------------------------------------------------------


def test_the_old_blogs_plugins_never_run(moved_in):
    for blog in (moved_in.project / "tests" / "sites" / "old_blogs", OLD_BLOGS):
        assert not list(blog.rglob("IMPORTED")), "a plugin module of an old blog ran"
        assert not list(blog.rglob("__pycache__")), "a module of an old blog was imported"


@pytest.mark.parametrize("moved_in", ["quickstart"], indirect=True)
def test_moving_in_twice_is_refused_and_changes_nothing(moved_in):
    settings = (moved_in.project / "pelicanconf.py").read_text(encoding="utf-8")
    ran = run_in(moved_in.project, "-m", "invoke", "move-in", f"tests/sites/old_blogs/{moved_in.name}")
    assert ran.returncode == 2
    message = ran.stderr.strip()
    assert message.startswith("content/ already holds content/") and message.count(". ") == 0
    assert (moved_in.project / "pelicanconf.py").read_text(encoding="utf-8") == settings


# What an author sees next ---------------------------------------------------------------------------


@pytest.fixture
def moved_in_with_defects(tmp_path_factory):
    """The dated blog moved in, then given a defect of each kind an old blog brings."""
    project, _ = move_in(tmp_path_factory, "dated")
    content = project / "content"
    rest = content / "2021" / "2021-02-14-marginalia.rst"
    rest.write_text(rest.read_text(encoding="utf-8") + "\n.. youtube:: dQw4w9WgXcQ\n", encoding="utf-8")
    markdown = content / "2022" / "2022-01-20-the-long-novel.md"
    text = markdown.read_text(encoding="utf-8")
    text += "\n{% pullquote %}The characters felt like neighbours.{% endpullquote %}\n"
    text += "\nSee [the old list](/blog/pages/old-list.html).\n"
    markdown.write_text(text, encoding="utf-8")
    return project


def test_make_build_names_each_defect_a_moved_in_blog_brings(moved_in_with_defects):
    ran = run_in(moved_in_with_defects, "-m", "invoke", "build")
    printed = ran.stdout + ran.stderr
    assert ran.returncode != 0
    assert re.search(
        r"content/2021/2021-02-14-marginalia\.rst:\d+: is not valid reStructuredText: .*youtube", printed
    )
    assert re.search(r"content/2022/2022-01-20-the-long-novel\.md:\d+: .*pullquote", printed)
    assert re.search(
        r"content/2022/2022-01-20-the-long-novel\.md:\d+: links to /blog/pages/old-list\.html", printed
    )


def test_the_readme_test_command_passes_in_a_moved_in_copy(tmp_path_factory):
    # The tests that read content/ and the settings at the root (test_author_site.py), and those that
    # broke once when an author's settings replaced the starter's (test_new_author.PROJECT_TESTS).
    project, _ = move_in(tmp_path_factory, "datascience")
    tests = [
        "test_author_site.py",
        "test_content.py",
        "test_structure.py",
        "test_links.py",
        "test_pelican_content.py",
    ]
    options = " ".join(["-q", "-p", "no:cacheprovider", *(f"tests/{name}" for name in tests)])
    ran = run_in(
        project, "-m", "invoke", "test", "--quick", "--options", options, OUR_BLOG_NESTED_TEST_RUN="1"
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert " passed" in ran.stdout and " failed" not in ran.stdout
