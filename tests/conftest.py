"""Shared fixtures: each site is built once per test session, in process, into a temporary folder."""

import os
from pathlib import Path

import pytest

from build import serve
from helpers import (
    HOSTILE_CONTENT,
    PUBLISH_ROOT_SITEURL,
    PUBLISH_SITEURL,
    SAMPLE_CONTENT,
    TESTS,
    build_site,
    require_tool,
)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site: content/ with the local settings, as `pelican content` builds it."""
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def publish_site(tmp_path_factory):
    """The real site with the publish settings, deployed under a subpath."""
    return build_site(tmp_path_factory.mktemp("publish"), "publishconf.py", SITEURL=PUBLISH_SITEURL)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """A sample site that reaches every template: authors, a page, a subtitle, two pages of posts."""
    return build_site(tmp_path_factory.mktemp("sample"), PATH=str(SAMPLE_CONTENT), DEFAULT_PAGINATION=2)


@pytest.fixture(scope="session")
def seed_blocks():
    """The five blocks of the seed page: site name, subtitle, post title and its two paragraphs."""
    text = (TESTS / "seed-page.txt").read_text(encoding="utf-8")
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def publish_build(tmp_path_factory, name, content, siteurl=PUBLISH_SITEURL):
    """A build with the publish settings (feeds, sitemap, absolute URLs) of a content folder of the tests."""
    return build_site(tmp_path_factory.mktemp(name), "publishconf.py", SITEURL=siteurl, PATH=str(content))


@pytest.fixture(scope="session")
def sample_publish_site(tmp_path_factory):
    """The sample site with the publish settings: feeds of posts whose titles carry typography."""
    return publish_build(tmp_path_factory, "sample-publish", SAMPLE_CONTENT)


@pytest.fixture(scope="session")
def sample_root_site(tmp_path_factory):
    """The sample site with the publish settings, deployed at a domain root rather than a subpath."""
    return publish_build(tmp_path_factory, "sample-root", SAMPLE_CONTENT, siteurl=PUBLISH_ROOT_SITEURL)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """Posts and a page whose every metadata field holds markup, quotes, script, RTL text, emoji or length.

    Built with the publish settings, so its feeds are written and checked too."""
    return publish_build(tmp_path_factory, "hostile", HOSTILE_CONTENT)


# Chromium from Debian's package: tests never download a browser.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Every host name but the local server's resolves to nothing: no request can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium, driven by Playwright."""
    require_tool(CHROMIUM.is_file(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    flags = [*CHROMIUM_FLAGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(site):
    """The real site, served on 127.0.0.1."""
    with serve(site.output) as url:
        yield url


@pytest.fixture(scope="session")
def sample_site_url(sample_site):
    """The sample site, served on 127.0.0.1."""
    with serve(sample_site.output) as url:
        yield url
