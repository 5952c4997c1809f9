"""Writing and reading comfort: reading time, neighbours, contents, code, images, drafts, search, notes."""

import json
import math
import struct
from types import SimpleNamespace

import pytest

from helpers import build_site
from plugins import search_index
from plugins.search_index import SearchIndexError

FEATURES_POST = "/posts/code-contents-and-pictures/"
REAL_POST = "/posts/military-information-agreement/"


def png_size(path):
    """Width and height from a PNG's header."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_byline_gives_word_count_and_reading_time(seed_site):
    page = seed_site.page(REAL_POST)
    words = len(page.select_one(".post-body").get_text().split())
    byline = " ".join(page.select_one(".byline").get_text().split())
    # 238 words a minute: the mean silent reading rate of English non-fiction (Brysbaert, 2019).
    assert f"{math.ceil(words / 238)} min read ({words:,} words)" in byline


def test_each_post_links_its_older_and_newer_neighbour(sample_site):
    newest_first = [a["href"] for a in sample_site.page("/archives/").select(".post-list a")]
    oldest_first = newest_first[::-1]
    assert len(oldest_first) >= 3
    for position, url in enumerate(oldest_first):
        neighbours = sample_site.page(url).select_one(".post-neighbours")
        older = neighbours.select_one(".older a")
        newer = neighbours.select_one(".newer a")
        assert (older and older["href"]) == (oldest_first[position - 1] if position else None), url
        assert (newer and newer["href"]) == (
            oldest_first[position + 1] if position + 1 < len(oldest_first) else None
        )


def test_table_of_contents_lists_the_headings_it_links(sample_site):
    page = sample_site.page(FEATURES_POST)
    table = page.select_one("nav.table-of-contents")
    targets = [a["href"] for a in table.select("a")]
    headings = page.select(".post-body h2, .post-body h3")
    assert targets == [f"#{heading['id']}" for heading in headings] and len(targets) == 3
    # Each heading links to itself: a keyboard-reachable address for the section.
    assert all(heading.a["href"] == f"#{heading['id']}" for heading in headings)


def test_posts_without_toc_metadata_have_no_table(sample_site):
    assert sample_site.page("/posts/first-steps/").select("nav.table-of-contents") == []


def stylesheets(soup):
    return [link["href"] for link in soup.select('link[rel="stylesheet"]')]


def test_code_is_highlighted_and_only_pages_with_code_load_its_colours(sample_site, seed_site):
    page = sample_site.page(FEATURES_POST)
    assert page.select(".post-body .highlight pre span.k")  # Pygments marked the keywords
    assert page.select_one(".highlight pre")["tabindex"] == "0"  # a wide block scrolls by keyboard too
    assert "/theme/css/code.css" in stylesheets(page)
    assert "/theme/css/code.css" not in stylesheets(sample_site.page("/posts/first-steps/"))
    assert "/theme/css/code.css" not in stylesheets(seed_site.page("/")) + stylesheets(
        seed_site.page(REAL_POST)
    )


def test_code_colours_are_what_the_script_writes():
    from make_code_css import STYLESHEET, code_css

    assert STYLESHEET.read_text(encoding="utf-8") == code_css()


def test_images_get_their_size_async_decoding_and_lazy_loading_after_the_first(sample_site):
    images = sample_site.page(FEATURES_POST).select(".post-body img")
    assert len(images) == 2
    for image in images:
        width, height = png_size(sample_site.path_for_url(image["src"]))
        assert (int(image["width"]), int(image["height"])) == (width, height)
        assert image["decoding"] == "async" and image["alt"].strip()
    assert "loading" not in images[0].attrs and images[1]["loading"] == "lazy"


def test_drafts_are_shown_labelled_in_the_local_build(sample_site):
    draft = sample_site.page("/drafts/a-draft/")
    assert draft.select_one(".byline .draft-label").get_text() == "Draft"
    assert not draft.select("[data-pagefind-body]")  # search finds what the published site has
    listed = sample_site.page("/").select(".drafts a")
    assert [a["href"] for a in listed] == ["/drafts/a-draft/"]


def test_drafts_never_reach_the_publish_build(sample_publish_site):
    assert not (sample_publish_site.output / "drafts").exists()
    for path in sample_publish_site.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            assert "a-draft" not in path.read_text(encoding="utf-8"), path


def test_html_comments_are_notes_that_never_reach_readers(sample_site):
    html = sample_site.path_for_url(FEATURES_POST).read_text(encoding="utf-8")
    assert "A note for the author" not in html
    assert "&lt;!-- not a comment: this is code --&gt;" in html  # a comment inside code is code


def test_search_page_explains_itself_without_javascript(seed_site):
    page = seed_site.page("/search/")
    fallback = page.select_one(".search-fallback")
    assert fallback.find("a", href="/archives/") and "hidden" not in fallback.attrs
    assert "hidden" in page.select_one(".search[data-pagefind]").attrs
    assert (seed_site.output / "pagefind" / "pagefind.js").is_file()


def test_only_the_search_page_loads_javascript(seed_site):
    for path in seed_site.html_files():
        scripts = [
            script.get("src")
            for script in seed_site.page("/" + path.relative_to(seed_site.output).as_posix()).select(
                "script[src]"
            )
        ]
        expected = ["/theme/js/search.js"] if path == seed_site.output / "search" / "index.html" else []
        assert scripts == expected, path


def test_search_indexes_posts_not_listings(seed_site):
    indexed = [
        path for path in seed_site.html_files() if "data-pagefind-body" in path.read_text(encoding="utf-8")
    ]
    assert indexed == [seed_site.path_for_url(REAL_POST)]


@pytest.mark.parametrize("built", ["seed_site", "sample_site"])
def test_search_index_holds_each_post_and_page_once(request, built):
    built_site = request.getfixturevalue(built)
    marked = [
        path for path in built_site.html_files() if "data-pagefind-body" in path.read_text(encoding="utf-8")
    ]
    bundle = built_site.output / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert [language["page_count"] for language in entry["languages"].values()] == [len(marked)]
    assert len(list((bundle / "fragment").iterdir())) == len(marked)


def test_a_page_indexed_after_the_index_was_written_is_in_the_final_index(tmp_path):
    """Pagefind writes the index once every post is written; a searchable page after that is not lost."""
    post, late_page = tmp_path / "posts" / "a" / "index.html", tmp_path / "late" / "index.html"
    for path, title in ((post, "A post"), (late_page, "A page from a template")):
        path.parent.mkdir(parents=True)
        path.write_text(
            f'<!doctype html><html lang="en"><body><main data-pagefind-body><h1>{title}</h1>'
            "<p>Words to find.</p></main></body></html>",
            encoding="utf-8",
        )
    site_index = search_index.SiteIndex(str(tmp_path))
    site_index.expect([SimpleNamespace(articles=[SimpleNamespace(save_as="posts/a/index.html")])])
    site_index.page_written(str(post))
    assert site_index.index_written  # asked for as soon as the last post was written
    site_index.page_written(str(late_page))
    site_index.finish()
    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2


def test_a_failing_search_indexer_stops_the_build_with_its_message(tmp_path, monkeypatch):
    # A Pagefind that says what went wrong and ends at once, as one that crashes would.
    pagefind = tmp_path / "pagefind"
    pagefind.write_text("#!/bin/sh\necho 'pagefind: out of memory' >&2\nexit 1\n")
    pagefind.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(pagefind))
    with pytest.raises(SearchIndexError, match=r"Pagefind could not index .*: pagefind: out of memory"):
        build_site(tmp_path / "output")
