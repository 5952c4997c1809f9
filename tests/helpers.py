"""Building a site in process, and reading its pages the way a reader sees them."""

import functools
import http.server
import logging
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SAMPLE_CONTENT = TESTS / "sample_site" / "content"
HOSTILE_CONTENT = TESTS / "hostile_site" / "content"
PUBLISH_SITEURL = "https://example.org/blog"
PUBLISH_ROOT_SITEURL = "https://example.org"
PROJECT_FILES = ["content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py"]


@dataclass
class BuiltSite:
    """A generated site: its output folder, its settings and what Pelican logged at WARNING or above."""

    output: Path
    settings: dict
    warnings: list = field(default_factory=list)

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


class WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.levelname}: {record.getMessage()}")


def build_site(output, settings_file="pelicanconf.py", **overrides):
    """Build with a settings file of this project, without Pelican's content cache, as tests must."""
    overrides = {
        "OUTPUT_PATH": str(output),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        **overrides,
    }
    settings = read_settings(str(ROOT / settings_file), override=overrides)
    collector = WarningCollector()
    logging.getLogger().addHandler(collector)
    try:
        Pelican(settings).run()
    finally:
        logging.getLogger().removeHandler(collector)
    return BuiltSite(Path(output), settings, collector.records)


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


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as a static host does: folders by their index.html, and /404.html for a missing page."""

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.is_file():
            return super().send_error(code, message, explain)
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(directory):
    """Serve a folder on 127.0.0.1 at a free port; yields the base URL, without a trailing slash."""
    handler = functools.partial(StaticHost, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
