"""Feeds valid by the rules the W3C Feed Validation Service applies, on every feed of every publish build.

The validator itself is on no package registry, so each of its rules that our feeds could break is
asserted here, on the XML as ElementTree parses it, with the rule cited: a section of RFC 4287
(Atom 1.0), of the RSS 2.0 specification, or the validator's message id (its class name in
feedvalidator/logging.py). Sites: the real post and the sample site, at a domain root and under a
subpath; the moved-in blog under three URL schemes; and the consumers site, whose post has links written
by hand, two authors, and whose newest post names none.
"""

import json
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from helpers import PUBLISH_SITEURL, fixture_sites, normalise

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BUILDS = [
    "seed_publish_site",
    "sample_publish_site",
    "sample_root_site",
    "consumers_publish_site",
    "consumers_root_site",
    "moved_in_publish_sites",
]


def feeds(site, kind):
    """(path, root element) of each Atom ("feed") or RSS ("rss") feed of a site."""
    found = []
    for path in sorted(site.output.rglob("*.xml")):
        root = ElementTree.parse(path).getroot()
        if root.tag == {"feed": f"{ATOM}feed", "rss": "rss"}[kind]:
            found.append((path, root))
    return found


@pytest.fixture(params=BUILDS)
def sites(request):
    return fixture_sites(request, request.param)


def feed_url(site, path):
    return f"{site.settings['SITEURL']}/{path.relative_to(site.output).as_posix()}"


def post_authors(site, url):
    """The authors a post's byline names; "Our Blog" when it names none (the byline's data, not shown)."""
    authors = site.page(url).select(".byline .p-author")
    names = [normalise(author.get_text()) for author in authors if author.name != "data"]
    return names or [site.settings["SITENAME"]]


def last_change(site, url):
    """When a post last changed, as its page says: modified, else published."""
    page = site.page(url)
    times = [page.find("meta", property=name) for name in ("article:modified_time", "article:published_time")]
    return datetime.fromisoformat(next(time["content"] for time in times if time))


def on_the_site(site, url):
    path = site.path_for_url(url)
    return path is not None and path.is_file()


def relative_references(html):
    """Every link and image address in an HTML fragment that is not absolute (validator: ContainsRelRef)."""
    soup = BeautifulSoup(html or "", "html.parser")
    addresses = [element["href"] for element in soup.find_all(href=True)]
    addresses += [element["src"] for element in soup.find_all(src=True)]
    for element in soup.find_all(srcset=True):
        addresses += [candidate.split()[0] for candidate in element["srcset"].split(",")]
    return [address for address in addresses if not urlsplit(address).scheme]


def test_every_build_has_atom_and_rss_feeds(sites):
    for site in sites:
        assert feeds(site, "feed") and feeds(site, "rss"), site.output


# Atom 1.0 (RFC 4287) ----------------------------------------------------------------------------


def test_atom_feeds_name_themselves_their_language_and_their_latest_update(sites):
    for site in sites:
        for path, feed in feeds(site, "feed"):
            # RFC 4287 4.2.7.2: rel="self" names the feed's own address (validator: MissingSelf,
            # RelativeSelf, SelfDoesntMatchLocation).
            assert [link.get("href") for link in feed.findall(f"{ATOM}link[@rel='self']")] == [
                feed_url(site, path)
            ]
            # Validator: MissingDCLanguage.
            assert feed.get(XML_LANG) == site.settings["DEFAULT_LANG"], path
            # RFC 4287 4.1.1: one id, title and updated (validator: MissingElement).
            for name in ("id", "title", "updated"):
                assert len(feed.findall(f"{ATOM}{name}")) == 1, (path, name)
            # RFC 4287 4.2.15: the feed was last updated when its latest entry was.
            updates = [
                datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
                for entry in feed.iter(f"{ATOM}entry")
            ]
            assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == max(updates), path


def test_every_atom_entry_has_an_author_with_a_name_and_an_absolute_uri(sites):
    for site in sites:
        for path, feed in feeds(site, "feed"):
            for entry in feed.iter(f"{ATOM}entry"):
                link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
                # RFC 4287 4.1.2: one or more atom:author, here or on the feed (validator: MissingElement).
                authors = entry.findall(f"{ATOM}author")
                assert len(authors) == 1, (path, link)
                # RFC 4287 3.2.1: a name, never blank (validator: MissingElement, NotBlank).
                name = authors[0].findtext(f"{ATOM}name")
                assert name and name.strip(), (path, link)
                assert name == ", ".join(post_authors(site, link)), (path, link)
                # RFC 4287 3.2.2: an IRI, absolute (validator: InvalidFullLink via rfc3987).
                uri = authors[0].findtext(f"{ATOM}uri")
                assert uri is None or urlsplit(uri).scheme == "https", (path, link)


def test_a_post_without_authors_is_the_sites_with_its_home_page(consumers_publish_site):
    site = consumers_publish_site
    [(_, feed)] = [found for found in feeds(site, "feed") if found[0].name == "all.atom.xml"]
    entry = next(
        e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "A post that names no author"
    )
    author = entry.find(f"{ATOM}author")
    assert author.findtext(f"{ATOM}name") == site.settings["SITENAME"]
    assert author.findtext(f"{ATOM}uri") == f"{PUBLISH_SITEURL}/"


def test_every_atom_entry_has_an_id_title_and_dates_with_their_offset(sites):
    for site in sites:
        for path, feed in feeds(site, "feed"):
            ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
            # RFC 4287 4.2.6: ids are unique (validator: DuplicateEntries).
            assert len(set(ids)) == len(ids), path
            for entry in feed.iter(f"{ATOM}entry"):
                # RFC 4287 4.1.2: exactly one id, title and updated (validator: MissingElement, DuplicateElement).
                for name in ("id", "title", "updated"):
                    assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
                # RFC 4287 3.3: RFC 3339 dates, with their offset (validator: InvalidRFC3339Date).
                for name in ("published", "updated"):
                    assert datetime.fromisoformat(entry.findtext(f"{ATOM}{name}")).tzinfo, (path, name)


def test_atom_content_and_summaries_link_only_absolute_addresses(sites):
    for site in sites:
        for path, feed in feeds(site, "feed"):
            for entry in feed.iter(f"{ATOM}entry"):
                # RFC 4287 4.1.3 and 4.2.13: type="html"; a reader resolves nothing against the site.
                for element in entry.findall(f"{ATOM}content") + entry.findall(f"{ATOM}summary"):
                    assert element.get("type") == "html", path
                    assert relative_references(element.text) == [], path


# RSS 2.0 ----------------------------------------------------------------------------------------


def test_rss_channels_name_themselves_their_language_and_their_last_change(sites):
    for site in sites:
        for path, rss in feeds(site, "rss"):
            channel = rss.find("channel")
            # RSS 2.0, "Required channel elements": title, link and description (validator: MissingElement).
            for name in ("title", "link", "description"):
                assert channel.find(name) is not None, (path, name)
            # Validator: MissingAtomSelfLink, SelfDoesntMatchLocation.
            self_links = channel.findall(f"{ATOM}link[@rel='self']")
            assert [link.get("href") for link in self_links] == [feed_url(site, path)], path
            # Validator: MissingDCLanguage.
            assert channel.findtext("language") == site.settings["DEFAULT_LANG"], path
            # RSS 2.0: lastBuildDate, "the last time the content of the channel changed".
            changes = [last_change(site, item.findtext("link")) for item in channel.iter("item")]
            assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == max(changes), path


def test_rss_guids_are_unique_and_not_taken_for_permalinks(sites):
    for site in sites:
        for path, rss in feeds(site, "rss"):
            guids = [item.find("guid") for item in rss.iter("item")]
            # Validator: MissingGuid; DuplicateValue.
            assert all(guid is not None for guid in guids), path
            assert len({guid.text for guid in guids}) == len(guids), path
            for guid in guids:
                # Validator: InvalidPermalink (a tag: URI taken for a permalink), InvalidBooleanAttribute.
                if guid.get("isPermaLink", "true") == "true":
                    assert urlsplit(guid.text).scheme == "https", (path, guid.text)
                else:
                    assert guid.get("isPermaLink") == "false", path


def test_every_rss_item_names_its_author_as_dublin_core_creator(sites):
    for site in sites:
        for path, rss in feeds(site, "rss"):
            for item in rss.iter("item"):
                # RSS 2.0 <author> must be an email address (validator: InvalidContact): names go in dc:creator.
                assert item.find("author") is None, path
                creators = [creator.text for creator in item.findall(f"{DC}creator")]
                assert creators == [", ".join(post_authors(site, item.findtext("link")))], path


def test_rss_items_have_dates_and_absolute_links_in_their_text(sites):
    for site in sites:
        for path, rss in feeds(site, "rss"):
            for item in rss.iter("item"):
                # RSS 2.0: pubDate in RFC 822 (validator: InvalidRFC2822Date).
                assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo, path
                # Validator: ContainsRelRef.
                assert relative_references(item.findtext("description")) == [], path


# Links written by hand ----------------------------------------------------------------------------


@pytest.mark.parametrize("built", ["consumers_publish_site", "consumers_root_site"])
def test_links_written_by_hand_resolve_as_on_the_site(request, built):
    """'/images/a.png' and '../../images/a.png' lead where a browser on the post's page takes them."""
    site = request.getfixturevalue(built)
    siteurl = site.settings["SITEURL"]
    host = f"{urlsplit(siteurl).scheme}://{urlsplit(siteurl).netloc}"
    post = f"{siteurl}/posts/own-picture/"
    expected = {f"{host}/images/cover.png", f"{siteurl}/images/cover.png", f"{post}#a-last-word"}
    texts = [
        entry.findtext(f"{ATOM}content")
        for _, feed in feeds(site, "feed")
        for entry in feed.iter(f"{ATOM}entry")
    ]
    texts += [item.findtext("description") for _, rss in feeds(site, "rss") for item in rss.iter("item")]
    json_feed = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
    texts += [item["content_html"] for item in json_feed["items"]]
    for text in texts:
        if "the cover, from the site" not in text:
            continue
        soup = BeautifulSoup(text, "html.parser")
        found = {a["href"] for a in soup.find_all("a")} | {img["src"] for img in soup.find_all("img")}
        assert found == expected


# JSON Feed 1.1 ----------------------------------------------------------------------------------


def test_json_feed_has_every_required_and_recommended_field(sites):
    for site in sites:
        settings = site.settings
        feed = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
        # Required: version, title, items.
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] == settings["SITENAME"] and isinstance(feed["items"], list) and feed["items"]
        # "Strongly recommended": home_page_url, feed_url (which must be where the feed is).
        assert on_the_site(site, feed["home_page_url"])
        assert site.path_for_url(feed["feed_url"]) == site.output / "feed.json"
        # Recommended: description, language, and authors, which items without their own inherit.
        assert feed["description"] == settings["SITESUBTITLE"]
        assert feed["language"] == settings["DEFAULT_LANG"]
        assert feed["authors"] == [{"name": settings["SITENAME"], "url": feed["home_page_url"]}]
        for item in feed["items"]:
            # Required: a unique id, and content_html or content_text.
            assert isinstance(item["id"], str) and item["content_html"]
            assert relative_references(item["content_html"]) == []
            # Recommended: url, title, summary, dates in RFC 3339, tags, language, image, authors.
            assert on_the_site(site, item["url"])
            assert item["title"] and item["summary"] and item["language"]
            assert datetime.fromisoformat(item["date_published"]).tzinfo
            assert isinstance(item["tags"], list)
            assert on_the_site(site, item["image"])
            authors = [author["name"] for author in item.get("authors", feed["authors"])]
            assert authors == post_authors(site, item["url"])
        assert len({item["id"] for item in feed["items"]}) == len(feed["items"])
