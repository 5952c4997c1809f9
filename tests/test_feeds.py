"""Feeds: the publish build writes Atom and RSS whose titles are plain text."""

import re
import xml.etree.ElementTree as ElementTree

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
ENTITY_OR_TAG = re.compile(r"<|&[#\w]+;")


def feed_titles(path):
    root = ElementTree.parse(path).getroot()
    if root.tag == f"{ATOM}feed":
        return [title.text for title in root.iter(f"{ATOM}title")]
    return [title.text for title in root.iter("title")]


@pytest.mark.parametrize("feed", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_feed_titles_carry_typography_but_no_markup(sample_publish_site, feed):
    titles = feed_titles(sample_publish_site.output / feed)
    assert "\u201cQuotes\u201d & dashes \u2014 in a title\u2026" in titles
    for title in titles:
        assert not ENTITY_OR_TAG.search(title), title


def test_local_build_writes_no_feeds(site):
    # Feeds need absolute URLs; the local build has no SITEURL, so Pelican would warn.
    assert not (site.output / "feeds").exists()
