"""Building a site in process, and reading its pages the way a reader sees them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from build import Built, build

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SAMPLE_CONTENT = TESTS / "sample_site" / "content"
HOSTILE_CONTENT = TESTS / "hostile_site" / "content"
PUBLISH_SITEURL = "https://example.org/blog"
PUBLISH_ROOT_SITEURL = "https://example.org"
PROJECT_FILES = ["content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py", "build.py"]


class BuiltSite(Built):
    """A generated site, read the way a reader sees it."""

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
        path = urlsplit(url).path.lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        return self.output / path

    def page(self, url):
        """The page at a site URL, parsed."""
        return BeautifulSoup(self.path_for_url(url).read_text(encoding="utf-8"), "html.parser")


def build_site(output, settings_file="pelicanconf.py", **overrides):
    """Build with a settings file of this project, without Pelican's content cache, as tests must."""
    overrides = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, **overrides}
    built = build(ROOT / settings_file, output=output, **overrides)
    return BuiltSite(built.output, built.settings, built.notes)


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


def copy_project(destination):
    """The project's sources in a fresh folder, so commands run there as in a clone."""
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, destination / name)
    return destination


def run_in(project, *command, **environment):
    """Run `python COMMAND…` in a project folder, as an author would, and return what it printed."""
    return subprocess.run(
        [sys.executable, *command],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
    )


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
