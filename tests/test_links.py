"""Links: every internal href and src in the output resolves to a file, and URLs never collide."""

import re
from urllib.parse import urlsplit

import pytest

from helpers import PUBLISH_SITEURL, build_site, fixture_sites

# Every address on the site's host, in any file the site serves: pages, feeds, sitemap, robots.txt.
SITE_HOST_URL = re.compile(r"https?://example\.org[^\s\"'<>&)\\]*")
ATOM_ID = re.compile(r"<id>[^<]*</id>")
SERVED_TEXT_FILES = ("*.html", "*.xml", "*.json", "*.txt", "*.xsl")
PUBLISH_BUILDS = ["seed_publish_site", "sample_publish_site", "sample_root_site"]
# What Pelican replaces in a link to another source file; {|filename|} is an older spelling.
PLACEHOLDER = re.compile(r"\{\|?(filename|static|attach)\|?\}")


@pytest.mark.parametrize(
    "built",
    [
        "seed_site",
        "sample_site",
        "statuses_site",
        "moved_in_sites",
        *PUBLISH_BUILDS,
        "moved_in_publish_sites",
    ],
)
def test_every_internal_link_resolves(request, built):
    for site in fixture_sites(request, built):
        assert site.broken_links() == [], site.output


@pytest.mark.parametrize("built", [*PUBLISH_BUILDS, "moved_in_publish_sites"])
def test_publish_build_urls_stay_under_the_site_url_and_resolve(request, built):
    # Links, stylesheets, feeds, canonical and Open Graph URLs, JSON-LD, sitemap entries: at a domain
    # root and under a subpath alike, each lives under SITEURL and names a file of the build.
    for built_site in fixture_sites(request, built):
        assert_urls_stay_under_the_site_url_and_resolve(built_site)


def assert_urls_stay_under_the_site_url_and_resolve(built_site):
    prefix = built_site.settings["SITEURL"] + "/"
    checked = set()
    for pattern in SERVED_TEXT_FILES:
        for path in built_site.output.rglob(pattern):
            # An Atom <id> names the feed for good, like a URN: it need not lead to a page.
            text = ATOM_ID.sub("", path.read_text(encoding="utf-8"))
            for url in SITE_HOST_URL.findall(text):
                assert url.startswith(prefix), f"{path.relative_to(built_site.output)}: {url}"
                assert built_site.path_for_url(url).is_file(), f"{path.relative_to(built_site.output)}: {url}"
                checked.add(path.suffix)
    assert checked == {".html", ".xml", ".json", ".txt"}


@pytest.mark.parametrize("built", [*PUBLISH_BUILDS, "moved_in_publish_sites"])
def test_publish_build_pages_link_by_absolute_url(request, built):
    # A root-relative link ("/posts/x/") would miss the subpath; the link checks above would not notice.
    for built_site in fixture_sites(request, built):
        for page, soup in built_site.pages():
            for url in [element["href"] for element in soup.find_all(href=True)] + [
                e["src"] for e in soup.find_all(src=True)
            ]:
                assert url.startswith("#") or urlsplit(url).scheme, f"{page}: {url}"


@pytest.mark.parametrize("built", ["seed_site", *PUBLISH_BUILDS])
def test_404_page_links_work_from_any_address(request, built):
    # Hosts show 404.html at whatever address was missing, at any depth: a path-relative link would
    # resolve against that address, so every link is root-relative (local build) or absolute.
    page = request.getfixturevalue(built).page("/404.html")
    urls = [element["href"] for element in page.find_all(href=True)]
    urls += [element["src"] for element in page.find_all(src=True)]
    assert any(url.endswith(".css") for url in urls)  # the stylesheet
    for url in urls:
        assert url.startswith(("#", "/")) or urlsplit(url).scheme, url


@pytest.mark.parametrize("built", ["seed_site", "sample_site", "seed_publish_site", "hostile_site"])
def test_no_link_placeholder_is_left_in_any_output_file(request, built):
    # content_checks stops the build at a link to a missing file; this catches any other way one survives.
    output = request.getfixturevalue(built).output
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert not PLACEHOLDER.search(text), f"{path}: {PLACEHOLDER.search(text).group()}"


def test_publish_build_links_its_feeds(seed_publish_site):
    head = seed_publish_site.page(PUBLISH_SITEURL + "/").head
    feeds = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert feeds == {
        "application/atom+xml": f"{PUBLISH_SITEURL}/feeds/all.atom.xml",
        "application/rss+xml": f"{PUBLISH_SITEURL}/feeds/all.rss.xml",
        "application/feed+json": f"{PUBLISH_SITEURL}/feed.json",
    }


def test_pagination_of_similar_tags_never_shares_a_file(tmp_path):
    # With Pelican's default pattern and flat tag files, tag "t1" page 12 and tag "t11"
    # page 2 are both written to "tag/t112.html": the later one silently replaces the other.
    content = tmp_path / "content"
    content.mkdir()
    for number in range(1, 13):
        tags = "t1, t11" if number <= 2 else "t1"
        front_matter = (
            f"Title: Post {number}\nDate: 2024-01-{number:02d}\nTags: {tags}\nSummary: Post {number}.\n"
        )
        (content / f"post-{number}.md").write_text(front_matter + "\nText.\n", encoding="utf-8")
    built = build_site(tmp_path / "output", PATH=str(content), DEFAULT_PAGINATION=1)
    written = list(built.output.glob("tag/**/index.html"))
    assert len(written) == 12 + 2, "two tag pages were written to the same file"
    assert built.page("/tag/t1/page/12/").find("a", href="/posts/post-1/")
    assert built.page("/tag/t11/page/2/").find("a", href="/posts/post-1/")
    assert built.notes == []
