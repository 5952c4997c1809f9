"""Shared fixtures: each fixture site is built once per test session (per worker), in process.

The project's tests build the sites under tests/sites/; only test_author_site.py reads content/,
which belongs to the author.
"""

import json
import os
from pathlib import Path

import pytest
from pelican.settings import get_settings_from_file

from helpers import (
    CONSUMERS_CONTENT,
    HOSTILE_CONTENT,
    MOVED_IN,
    PUBLISH_ROOT_SITEURL,
    PUBLISH_SITEURL,
    ROOT,
    SAMPLE_CONTENT,
    SEED_CONTENT,
    SITES,
    STATUSES_CONTENT,
    URL_SCHEMES,
    BuiltSite,
    build_site,
    copy_project,
    require_tool,
    settings_of,
    wait_for,
)
from ourblog.build import BuildFailed
from ourblog.server import serve
from plugins import problems


def local_build(tmp_path_factory, name, content, **overrides):
    """A fixture site with the local settings, as `invoke build` makes it."""
    return built_once(tmp_path_factory, name, "pelicanconf.py", PATH=str(content), **overrides)


def publish_build(tmp_path_factory, name, content, siteurl=PUBLISH_SITEURL, **overrides):
    """A fixture site with the publish settings (feeds, sitemap, absolute URLs, social cards).

    Its cards are drawn into its own cache folder, not the project's, so each test run draws them afresh."""
    return built_once(
        tmp_path_factory, name, "publishconf.py", SITEURL=siteurl, PATH=str(content), **overrides
    )


def built_once(tmp_path_factory, name, settings_file, **overrides):
    """A fixture site built once for the whole test run, by the first of the test workers that needs it;
    the others wait until it is built (pytest-xdist makes each worker a session of its own)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, which every worker's lies in
    folder = shared / "fixture-sites" / name
    done, failed = folder / "built.json", folder / "failed.txt"
    try:
        folder.mkdir(parents=True)  # the one worker that makes the folder builds the site
    except FileExistsError:
        wait_for(lambda: done.is_file() or failed.is_file(), f"the fixture site {name} to be built")
        if failed.is_file():
            pytest.fail(f"The fixture site {name} did not build: {failed.read_text()}", pytrace=False)
        notes = json.loads(done.read_text(encoding="utf-8"))
        output = folder / "output"
        return BuiltSite(
            output, settings_of(settings_file, output, CACHE_PATH=str(folder / "cache"), **overrides), notes
        )
    try:
        site = build_site(folder / "output", settings_file, CACHE_PATH=str(folder / "cache"), **overrides)
    except BaseException as error:
        failed.write_text(str(error), encoding="utf-8")
        raise
    done.write_text(json.dumps(site.notes), encoding="utf-8")
    return site


@pytest.fixture
def project(tmp_path):
    """A copy of the project whose content is the seed post, with the fixture sites' settings: the
    author's commands run there as in a clone (the seed_site fixtures build the same)."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The seed page's post, with the local settings: what a new clone's site looks like."""
    return local_build(tmp_path_factory, "seed", SEED_CONTENT)


@pytest.fixture(scope="session")
def seed_publish_site(tmp_path_factory):
    """The seed page's post with the publish settings, deployed under a subpath."""
    return publish_build(tmp_path_factory, "seed-publish", SEED_CONTENT)


@pytest.fixture(scope="session")
def seed_blocks():
    """The five blocks of the seed page: site name, subtitle, post title and its two paragraphs."""
    text = (SITES / "seed" / "seed-page.txt").read_text(encoding="utf-8")
    return [block.strip() for block in text.split("\n\n") if block.strip()]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """A sample site that reaches every template: authors, a page, a subtitle, two pages of posts."""
    return local_build(tmp_path_factory, "sample", SAMPLE_CONTENT, DEFAULT_PAGINATION=2)


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


@pytest.fixture(scope="session")
def consumers_publish_site(tmp_path_factory):
    """What feed readers, link previews and search engines meet, published under a subpath."""
    return publish_build(tmp_path_factory, "consumers-publish", CONSUMERS_CONTENT)


@pytest.fixture(scope="session")
def consumers_root_site(tmp_path_factory):
    """The same, published at a domain root."""
    return publish_build(tmp_path_factory, "consumers-root", CONSUMERS_CONTENT, siteurl=PUBLISH_ROOT_SITEURL)


@pytest.fixture(scope="session")
def statuses_site(tmp_path_factory):
    return local_build(tmp_path_factory, "statuses", STATUSES_CONTENT)


@pytest.fixture(scope="session")
def statuses_publish_site(tmp_path_factory):
    return publish_build(tmp_path_factory, "statuses-publish", STATUSES_CONTENT)


def moved_in_overrides(scheme):
    return {"THEME_TEMPLATES_OVERRIDES": [str(MOVED_IN / "templates")], **URL_SCHEMES[scheme]}


@pytest.fixture(scope="session")
def moved_in_sites(tmp_path_factory):
    """The moved-in blog with the local settings, under each URL scheme: {scheme: site}."""
    content = MOVED_IN / "content"
    return {
        scheme: local_build(tmp_path_factory, f"moved-in-{scheme}", content, **moved_in_overrides(scheme))
        for scheme in URL_SCHEMES
    }


@pytest.fixture(scope="session")
def moved_in_publish_sites(tmp_path_factory):
    """The moved-in blog with the publish settings, under a subpath, under each URL scheme: {scheme: site}."""
    content = MOVED_IN / "content"
    return {
        scheme: publish_build(
            tmp_path_factory, f"moved-in-publish-{scheme}", content, **moved_in_overrides(scheme)
        )
        for scheme in URL_SCHEMES
    }


@pytest.fixture(params=URL_SCHEMES)
def moved_in_site(request, moved_in_sites):
    return moved_in_sites[request.param]


@pytest.fixture(params=URL_SCHEMES)
def moved_in_publish_site(request, moved_in_publish_sites):
    return moved_in_publish_sites[request.param]


def build_or_fail(folder, settings_file="pelicanconf.py", **overrides):
    """The author's site, with the author's settings and content, into a folder of the test session's."""
    try:
        return build_site(
            folder / "output",
            settings_file,
            settings_folder=ROOT,
            CACHE_PATH=str(folder / "cache"),
            **overrides,
        )
    except BuildFailed as failure:
        found = "\n".join(str(problem) for problem in problems.last_report if not problem.note)
        pytest.fail(f"Your site does not build:\n{found or failure}", pytrace=False)


# Where an author's site is checked as published when its address is not set yet: a domain's root (links
# a blog writes from the root lead where they would), of a name reserved for examples that no post links to.
UNSET_SITEURL = "https://your-site.example"


def author_siteurl():
    """Where the author's site is published: SITEURL from the environment or publishconf.py."""
    siteurl = os.environ.get("SITEURL") or get_settings_from_file(str(ROOT / "publishconf.py")).get("SITEURL")
    return siteurl or UNSET_SITEURL


@pytest.fixture(scope="session")
def author_site(tmp_path_factory):
    """Your site with your local settings, drafts included, as `make build` makes it."""
    return build_or_fail(tmp_path_factory.mktemp("author"))


@pytest.fixture(scope="session")
def author_publish_site(tmp_path_factory):
    """Your site with your publish settings, at the address it is published at."""
    return build_or_fail(
        tmp_path_factory.mktemp("author-publish"), "publishconf.py", SITEURL=author_siteurl()
    )


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
    """Headless Chromium, driven by Playwright: one per test worker."""
    require_tool(CHROMIUM.is_file(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # As root (in a container), Chromium runs only without its sandbox; Windows has no root.
    flags = [*CHROMIUM_FLAGS, *(["--no-sandbox"] if getattr(os, "geteuid", lambda: 1)() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags, timeout=60_000)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seed_site_url(seed_site):
    """The seed site, served on 127.0.0.1."""
    with serve(seed_site.output) as url:
        yield url


@pytest.fixture(scope="session")
def sample_site_url(sample_site):
    """The sample site, served on 127.0.0.1."""
    with serve(sample_site.output) as url:
        yield url


@pytest.fixture(scope="session")
def moved_in_site_url(moved_in_sites):
    """The moved-in site, with this project's URLs, served on 127.0.0.1."""
    with serve(moved_in_sites["clean"].output) as url:
        yield url
