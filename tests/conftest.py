"""Shared fixtures: each site is built once per test session, in process, into a temporary folder."""

import pytest

from helpers import HOSTILE_CONTENT, PUBLISH_SITEURL, SAMPLE_CONTENT, TESTS, build_site


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


@pytest.fixture(scope="session")
def sample_publish_site(tmp_path_factory):
    """The sample site with the publish settings: feeds of posts whose titles carry typography."""
    return build_site(
        tmp_path_factory.mktemp("sample-publish"),
        "publishconf.py",
        SITEURL=PUBLISH_SITEURL,
        PATH=str(SAMPLE_CONTENT),
    )


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """Posts and a page whose every metadata field holds markup, quotes, script, RTL text, emoji or length.

    Built with the publish settings, so its feeds are written and checked too."""
    return build_site(
        tmp_path_factory.mktemp("hostile"),
        "publishconf.py",
        SITEURL=PUBLISH_SITEURL,
        PATH=str(HOSTILE_CONTENT),
    )
