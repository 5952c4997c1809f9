"""Building a site in process, and reading its pages the way a reader sees them."""

import filecmp
import gzip
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from pelican.settings import DEFAULT_CONFIG, read_settings

from ourblog.build import Built, build

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SITES = TESTS / "sites"
# The project's tests build with settings of their own (tests/sites/pelicanconf.py and publishconf.py):
# the author's, at the root, may hold any URL scheme, and are read only by the author's checks.
FIXTURE_SETTINGS = SITES
# What a copy of the project needs, beside content/ and its settings, to build and run its tasks.
PROJECT_FILES = ["theme", "plugins", "ourblog", "tasks.py", "Makefile", "pyproject.toml", "requirements.txt"]
# Long enough for a cold build of a large fixture on a busy machine; a command still running is stuck.
COMMAND_TIME_LIMIT = 600
# The fixture sites the project's tests build; content/ is the author's, checked only by test_author_site.py.
SEED_CONTENT = SITES / "seed" / "content"  # the seed page's post, word for word
SAMPLE_CONTENT = SITES / "sample" / "content"  # a post for every feature of the theme
HOSTILE_CONTENT = SITES / "hostile" / "content"  # markup, quotes, script and long text in every field
MOVED_IN = SITES / "moved_in"  # a blog written for another theme and Pelican's defaults, moved in as it is
STATUSES_CONTENT = SITES / "statuses" / "content"  # a published, a hidden and a draft post and page
AUTHOR_CONTENT = ROOT / "content"  # the author's: only test_author_site.py and the validator read it
# What feed readers, link previews and search engines meet: links written by hand, a post's own picture,
# several authors or none, a title in a script the cards' font lacks.
CONSUMERS_CONTENT = SITES / "consumers" / "content"
PUBLISH_SITEURL = "https://example.org/blog"
PUBLISH_ROOT_SITEURL = "https://example.org"

# The URL settings authors bring: this project's own (none to change), Pelican's defaults, and a blog under
# blog/ with dates in its addresses and pages named by their path in the content folder.
URL_SCHEMES = {
    "clean": {},
    "pelican": {
        name: value
        for name, value in DEFAULT_CONFIG.items()
        if (name.endswith(("_URL", "_SAVE_AS")) and name != "SITEURL") or name == "PAGINATION_PATTERNS"
    },
    "dated": {
        "ARTICLE_URL": "blog/{date:%Y}/{date:%m}/{slug}/",
        "ARTICLE_SAVE_AS": "blog/{date:%Y}/{date:%m}/{slug}/index.html",
        "ARTICLE_LANG_URL": "blog/{lang}/{date:%Y}/{slug}/",
        "ARTICLE_LANG_SAVE_AS": "blog/{lang}/{date:%Y}/{slug}/index.html",
        "PATH_METADATA": r"pages/(?P<fullpath>.+)\.[a-z]+",
        "PAGE_URL": "{fullpath}/",
        "PAGE_SAVE_AS": "{fullpath}/index.html",
        "CATEGORY_URL": "blog/category/{slug}/",
        "CATEGORY_SAVE_AS": "blog/category/{slug}/index.html",
        "TAG_URL": "blog/tag/{slug}/",
        "TAG_SAVE_AS": "blog/tag/{slug}/index.html",
        "AUTHOR_URL": "blog/author/{slug}/",
        "AUTHOR_SAVE_AS": "blog/author/{slug}/index.html",
        "INDEX_SAVE_AS": "blog/index.html",
        "ARCHIVES_SAVE_AS": "blog/archives/index.html",
        "YEAR_ARCHIVE_URL": "blog/{date:%Y}/",
        "YEAR_ARCHIVE_SAVE_AS": "blog/{date:%Y}/index.html",
        "MONTH_ARCHIVE_URL": "blog/{date:%Y}/{date:%m}/",
        "MONTH_ARCHIVE_SAVE_AS": "blog/{date:%Y}/{date:%m}/index.html",
        "TAGS_SAVE_AS": "blog/tags/index.html",
        "CATEGORIES_SAVE_AS": "blog/categories/index.html",
        "AUTHORS_SAVE_AS": "blog/authors/index.html",
    },
}


@dataclass
class BuiltSite(Built):
    """A generated site, read the way a reader sees it."""

    parsed: dict = field(default_factory=dict, repr=False)

    def html_files(self):
        return sorted(self.output.rglob("*.html"))

    def pages(self):
        """(path, soup) for every HTML file of the site."""
        for path in self.html_files():
            yield path, self.page("/" + path.relative_to(self.output).as_posix())

    def path_for_url(self, url):
        """The output file a site URL points at ("/posts/x/" -> posts/x/index.html), or None if external."""
        siteurl = self.settings["SITEURL"]
        if siteurl and url.startswith(siteurl):
            url = url[len(siteurl) :]
        elif urlsplit(url).scheme or url.startswith("//"):
            return None
        path = unquote(urlsplit(url).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        return self.output / path

    def page(self, url):
        """The page at a site URL, parsed (once: tests only read the pages)."""
        path = self.path_for_url(url)
        if path not in self.parsed:
            self.parsed[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return self.parsed[path]

    def url_of(self, path):
        """The site URL a page file is served at: posts/x/index.html at SITEURL/posts/x/."""
        return f"{self.settings['SITEURL']}/{path.relative_to(self.output).as_posix().removesuffix('index.html')}"

    def broken_links(self):
        """(page, link) for every href and src on the site's pages that leads to no file, or no #fragment.

        A second opinion on plugins/site_checks.py, which fails the build on the same, written apart from it."""
        broken, checked = [], 0
        soups = {path: self.page(self.url_of(path)) for path in self.html_files()}
        for path, soup in soups.items():
            links = [
                element[name] for name in ("href", "src") for element in soup.find_all(attrs={name: True})
            ]
            for link in links:
                target = self.path_for_url(urljoin(self.url_of(path), link))
                if target is None:
                    continue  # another site
                checked += 1
                fragment = urlsplit(link).fragment
                # A static host answers "/x/" with x/index.html, and "/x" with x.html.
                served = (
                    target.is_file()
                    or (target / "index.html").is_file()
                    or target.with_name(target.name + ".html").is_file()
                )
                if not served or (fragment and target in soups and not soups[target].find(id=fragment)):
                    broken.append((path.relative_to(self.output), link))
        assert checked > 0, "no internal link at all"
        return broken


# Tests build without Pelican's content cache: it does not notice a change of the settings.
WITHOUT_CACHE = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}


def build_site(output, settings_file="pelicanconf.py", settings_folder=FIXTURE_SETTINGS, **overrides):
    """Build with the fixture sites' settings file (or one in `settings_folder`: the author's, ROOT),
    without Pelican's content cache, as tests must."""
    built = build(Path(settings_folder) / settings_file, output=output, **WITHOUT_CACHE, **overrides)
    return BuiltSite(built.output, built.settings, built.notes)


def settings_of(settings_file, output, settings_folder=FIXTURE_SETTINGS, **overrides):
    """The settings a build_site() of these arguments has: of a site another test worker built."""
    settings = read_settings(
        str(Path(settings_folder) / settings_file), override={**WITHOUT_CACHE, **overrides}
    )
    return {**settings, "OUTPUT_PATH": str(output)}


def wait_for(condition, what, limit=COMMAND_TIME_LIMIT):
    """Wait until `condition()` holds; TimeoutError naming `what` after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {limit} s for {what}")
        time.sleep(0.05)


def fixture_sites(request, name):
    """The built sites of a fixture: one site, or each of a fixture's {name: site}."""
    sites = request.getfixturevalue(name)
    return list(sites.values()) if isinstance(sites, dict) else [sites]


def indexed_urls(site):
    """The addresses, relative to the site's root, of the pages in the site's search index."""
    urls = []
    for fragment in sorted((site.output / "pagefind" / "fragment").iterdir()):
        # Each page's record: gzipped JSON after Pagefind's own prefix.
        record = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.append(json.loads(record)["url"])
    return sorted(urls)


def differing_files(left, right):
    """The files that differ between two folders, or are in only one of them, as paths relative to them."""
    comparison = filecmp.dircmp(left, right)
    differences = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        differences += [f"{name}/{path}" for path in differing_files(left / name, right / name)]
    return differences


TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote, the apostrophe
        "`": "'",  # the seed page writes its apostrophes as backticks
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",  # no-break spaces, which typography may put between words
    }
)


def normalise(text):
    """Text with typography folded away: curly quotes made straight, every run of space one space."""
    return " ".join(text.translate(TYPOGRAPHY).split())


def block_texts(soup):
    """The normalised text of each heading and paragraph in the page body, in document order."""
    return [normalise(element.get_text()) for element in soup.body.find_all(["h1", "h2", "h3", "p", "li"])]


def front_matter(path):
    """The metadata lines of a Markdown source, as the author typed them."""
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {key.lower(): value for key, value in (line.split(": ", 1) for line in header.splitlines())}


def header_rules(path):
    """{path pattern: {header name: value}} from a Netlify/Cloudflare Pages _headers file."""
    rules, pattern = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            pattern = line.strip()
            rules[pattern] = {}
        else:
            name, value = line.strip().split(":", 1)
            rules[pattern][name.strip()] = value.strip()
    return rules


def require_tool(available, reason):
    """Skip a check whose tool is missing here, but fail it in CI (CI is set), which must run every check."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI installs it in .ci/run", pytrace=False)
    pytest.skip(reason)


def copy_sources(project, destination):
    """A project's sources (those of PROJECT_FILES it has) copied into a folder, as a clone holds them."""
    for name in PROJECT_FILES:
        source = Path(project) / name
        if source.exists():
            (shutil.copytree if source.is_dir() else shutil.copy)(source, Path(destination) / name)


def copy_project(destination, content=SEED_CONTENT):
    """The project's sources in a fresh folder, with a fixture site as its content and the fixture sites'
    settings as its own, so commands run there as in a clone. content/ and the settings at the root are
    the author's: the project's tests never read them."""
    copy_sources(ROOT, destination)
    for settings_file in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(FIXTURE_SETTINGS / settings_file, destination / settings_file)
    shutil.copytree(content, destination / "content")
    return destination


def copy_repository(destination):
    """The whole repository, as a fresh clone has it: tests, tools and settings with the sources."""
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "output", "cache", ".staging-*", "__pycache__", ".*_cache", "test-artifacts"
    )
    shutil.copytree(ROOT, destination, ignore=ignored)
    return destination


def run_in(project, *command, **environment):
    """Run `python COMMAND…` in a project folder, as an author would, and return what it printed."""
    return subprocess.run(
        [sys.executable, *command],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=COMMAND_TIME_LIMIT,
    )


# The Nu HTML Checker, current, from npm (tests/package.json: `npm ci --prefix tests`); it runs on Java.
NU_CHECKER = TESTS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_checker_errors(paths, limit=COMMAND_TIME_LIMIT):
    """Every error the Nu HTML Checker finds in these HTML files, one line each ("file":line.col: error: …),
    in one Java start. Skips (fails, in CI) where Java or the checker is missing."""
    require_tool(shutil.which("java"), "java is not installed: the Nu HTML Checker needs it")
    require_tool(NU_CHECKER.is_file(), "the Nu HTML Checker is not installed: run npm ci --prefix tests")
    command = ["java", "-jar", str(NU_CHECKER), "--errors-only", "--exit-zero-always", "--format", "gnu"]
    result = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, timeout=limit)
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def nu_checker_errors_of_fragment(html, folder, title):
    """The Nu HTML Checker's errors for a fragment of a page's body, in a page of its own."""
    page = Path(folder) / "page.html"
    page.write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><main>{html}</main></body></html>\n",
        encoding="utf-8",
    )
    return nu_checker_errors([page])


ADDRESS_PRINTED = re.compile(r"at (http://[\w.:]+?)/? ")


@contextmanager
def serving_task(project, task, *arguments, limit=COMMAND_TIME_LIMIT):
    """Run a task that serves the site (`serve`, `livereload`) on a port the system chooses, and yield the
    address it prints; stop it afterwards. TimeoutError if it prints none within `limit` seconds."""
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", task, "--port", "0", *arguments],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed, found = [], queue.Queue()

    def read_lines():
        for line in server.stdout:
            printed.append(line)
            match = ADDRESS_PRINTED.search(line)
            if match:
                found.put(match.group(1))
        found.put(None)

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    try:
        address = found.get(timeout=limit)
        if address is None:
            raise RuntimeError(f"`invoke {task}` stopped without serving:\n{''.join(printed)}")
        yield address
    except queue.Empty:
        raise TimeoutError(
            f"`invoke {task}` printed no address within {limit} s:\n{''.join(printed)}"
        ) from None
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)


# Collects, from the first script on, every Content-Security-Policy violation of a page.
VIOLATION_LISTENER = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


def open_as_deployed(browser, built_site, path, headers=None):
    """A publish build's page in a fresh browser context, as its host serves it: each request on SITEURL
    answered from the build folder with `headers` (by default those _headers gives every page); requests
    to any other host aborted, as remote hosts are unreachable here. The caller closes `page.context`."""
    siteurl = built_site.settings["SITEURL"]
    if headers is None:
        headers = header_rules(built_site.output / "_headers")["/*"]
    context = browser.new_context(service_workers="block")
    page = context.new_page()

    def answer_from_the_build(route):
        url = route.request.url
        if not url.startswith(siteurl + "/"):
            return route.abort()
        target = built_site.path_for_url(url)
        if target.is_file():
            return route.fulfill(path=target, headers=headers)
        return route.fulfill(status=404, path=built_site.output / "404.html", headers=headers)

    context.route("**/*", answer_from_the_build)
    page.add_init_script(VIOLATION_LISTENER)
    page.goto(siteurl + path)
    return page
