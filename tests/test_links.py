"""Links: every internal href and src in the output resolves to a file, and URLs never collide."""

import re
from urllib.parse import urlsplit

import pytest

from helpers import PUBLISH_SITEURL, build_site

# What Pelican replaces in a link to another source file; {|filename|} is an older spelling.
PLACEHOLDER = re.compile(r"\{\|?(filename|static|attach)\|?\}")


def internal_references(built_site):
    """(page, url) for every href and src that points inside the site."""
    for path in built_site.html_files():
        soup = built_site.page("/" + path.relative_to(built_site.output).as_posix())
        for element in soup.find_all(href=True):
            yield path, element["href"], soup
        for element in soup.find_all(src=True):
            yield path, element["src"], soup


@pytest.mark.parametrize("built", ["site", "sample_site", "publish_site"])
def test_every_internal_link_resolves(request, built):
    built_site = request.getfixturevalue(built)
    broken = []
    checked = 0
    for page, url, soup in internal_references(built_site):
        if url.startswith("#"):
            if not soup.find(id=url[1:]):
                broken.append((page, url))
            continue
        target = built_site.path_for_url(url)
        if target is None:
            continue
        checked += 1
        if not target.is_file():
            broken.append((page.relative_to(built_site.output), url))
    assert checked > 0
    assert broken == []


@pytest.mark.parametrize("built", ["site", "sample_site", "publish_site", "hostile_site"])
def test_no_link_placeholder_is_left_in_any_output_file(request, built):
    # content_checks stops the build at a link to a missing file; this catches any other way one survives.
    output = request.getfixturevalue(built).output
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert not PLACEHOLDER.search(text), f"{path}: {PLACEHOLDER.search(text).group()}"


def test_publish_build_links_stay_under_the_site_url(publish_site):
    for page, url, _ in internal_references(publish_site):
        if url.startswith("#") or urlsplit(url).netloc != "example.org":
            continue
        assert url.startswith(PUBLISH_SITEURL + "/"), f"{page}: {url}"


def test_publish_build_links_its_feeds(publish_site):
    head = publish_site.page(PUBLISH_SITEURL + "/").head
    feeds = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert feeds == {
        "application/atom+xml": f"{PUBLISH_SITEURL}/feeds/all.atom.xml",
        "application/rss+xml": f"{PUBLISH_SITEURL}/feeds/all.rss.xml",
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
    assert built.warnings == []
