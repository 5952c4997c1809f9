"""The site's licence (LICENSE), when the author sets one: in the footer, the JSON-LD and the Atom feeds."""

import json
import xml.etree.ElementTree as ElementTree

import pytest

from helpers import SAMPLE_CONTENT, build_site

ATOM = "{http://www.w3.org/2005/Atom}"
LICENSE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


@pytest.fixture(scope="module")
def licensed_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("licensed")
    return build_site(
        folder / "output",
        "publishconf.py",
        SITEURL="https://example.org/blog",
        PATH=str(SAMPLE_CONTENT),
        CACHE_PATH=str(folder / "cache"),
        LICENSE=LICENSE,
    )


def structured_data(site, path):
    soup = site.page(site.url_of(site.output / path))
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def test_every_page_links_the_licence_in_its_footer(licensed_site):
    for path, soup in licensed_site.pages():
        links = soup.select("footer a[rel~=license]")
        assert [(a.get_text(), a["href"]) for a in links] == [(LICENSE["name"], LICENSE["url"])], path


def test_posts_and_the_site_state_their_licence_to_search_engines(licensed_site):
    assert structured_data(licensed_site, "index.html")[0]["license"] == LICENSE["url"]
    posting = structured_data(licensed_site, "posts/first-steps/index.html")[0]
    assert posting["@type"] == "BlogPosting" and posting["license"] == LICENSE["url"]


def test_atom_feeds_state_the_rights(licensed_site):
    for path in sorted(licensed_site.output.glob("feeds/**/*.atom.xml")):
        rights = ElementTree.parse(path).getroot().findtext(f"{ATOM}rights")  # RFC 4287 4.2.10
        assert rights == f"{LICENSE['name']} ({LICENSE['url']})", path


def test_without_a_licence_nothing_claims_one(sample_publish_site):
    assert sample_publish_site.settings["LICENSE"] is None
    for path, soup in sample_publish_site.pages():
        assert soup.select("[rel~=license]") == [], path
    for path in sorted(sample_publish_site.output.glob("feeds/**/*.atom.xml")):
        assert ElementTree.parse(path).getroot().find(f"{ATOM}rights") is None, path
    assert "license" not in structured_data(sample_publish_site, "index.html")[0]
