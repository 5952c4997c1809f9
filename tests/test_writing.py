"""Writing and reading comfort: reading time, neighbours, contents, code, images, drafts, search, notes."""

import gzip
import json
import math
import os
import shutil
import struct

import pytest

from helpers import SAMPLE_CONTENT, SEED_CONTENT, build_site
from ourblog.build import BuildFailed
from plugins import problems, search_index

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


def test_images_get_their_size_async_decoding_and_the_first_loads_first_the_others_lazily(sample_site):
    images = sample_site.page(FEATURES_POST).select(".post-body img")
    assert len(images) == 2
    for image in images:
        width, height = png_size(sample_site.path_for_url(image["src"]))
        assert (int(image["width"]), int(image["height"])) == (width, height)
        assert image["decoding"] == "async" and image["alt"].strip()
    assert (images[0]["loading"], images[0]["fetchpriority"]) == ("eager", "high")
    assert images[1]["loading"] == "lazy" and "fetchpriority" not in images[1].attrs


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


def fragment_urls(bundle):
    """The URL of each page in a Pagefind index: its fragments are gzipped JSON after a signature."""
    signature = b"pagefind_dcd"
    fragments = [gzip.decompress(path.read_bytes()) for path in (bundle / "fragment").iterdir()]
    assert all(fragment.startswith(signature) for fragment in fragments)
    return sorted(json.loads(fragment[len(signature) :])["url"] for fragment in fragments)


def site_urls(built_site, paths):
    """The URL of each file as the site links it: a folder's index.html by the folder."""
    urls = ["/" + path.relative_to(built_site.output).as_posix() for path in paths]
    return sorted(url.removesuffix("index.html") for url in urls)


def test_search_results_link_to_the_pages_addresses(sample_site):
    marked = [
        path for path in sample_site.html_files() if "data-pagefind-body" in path.read_text(encoding="utf-8")
    ]
    assert fragment_urls(sample_site.output / "pagefind") == site_urls(sample_site, marked)
    assert "/posts/first-steps/" in site_urls(sample_site, marked)


def test_search_results_link_to_the_pages_addresses_with_pelicans_own_url_scheme(tmp_path):
    built = build_site(
        tmp_path / "output",
        PATH=str(SAMPLE_CONTENT),
        ARTICLE_URL="{slug}.html",
        ARTICLE_SAVE_AS="{slug}.html",
        PAGE_URL="pages/{slug}.html",
        PAGE_SAVE_AS="pages/{slug}.html",
    )
    marked = [path for path in built.html_files() if "data-pagefind-body" in path.read_text(encoding="utf-8")]
    urls = fragment_urls(built.output / "pagefind")
    assert urls == site_urls(built, marked)
    assert "/first-steps.html" in urls and "/pages/about.html" in urls


def test_a_searchable_page_written_after_indexing_began_is_in_the_final_index(tmp_path):
    """Pagefind starts once every post and page is written; a searchable page written later (a template
    page's) makes it index again, so the index the build ends with has every searchable page."""
    content = shutil.copytree(SEED_CONTENT, tmp_path / "content")
    (content / "templates").mkdir()
    (content / "templates" / "late.html").write_text(
        '{% extends "base.html" %}{% block content %}<article data-pagefind-body><h1>Late</h1>'
        "<p>Words to find.</p></article>{% endblock %}",
        encoding="utf-8",
    )
    built = build_site(
        tmp_path / "output",
        PATH=str(content),
        TEMPLATE_PAGES={"templates/late.html": "late/index.html"},
        ARTICLE_EXCLUDES=["templates"],
        PAGE_EXCLUDES=["templates"],
    )
    assert fragment_urls(built.output / "pagefind") == ["/late/", "/posts/military-information-agreement/"]


def use_as_pagefind(shell_script, folder, monkeypatch):
    """Builds in this test run a shell script of the test's own in Pagefind's place."""
    if os.name == "nt":
        pytest.skip("stands in for Pagefind with a shell script, which Windows does not run")
    pagefind = folder / "pagefind"
    pagefind.write_text(f"#!/bin/sh\n{shell_script}")
    pagefind.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(pagefind))


def test_a_failing_search_indexer_stops_the_build_with_its_message(tmp_path, monkeypatch):
    # A Pagefind that says what went wrong and ends at once, as one that crashes would.
    use_as_pagefind("echo 'pagefind: out of memory' >&2\nexit 1\n", tmp_path, monkeypatch)
    # The time limit is far beyond what a crash needs: the build must notice the crash itself.
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", PATH=str(SAMPLE_CONTENT), SEARCH_INDEX_TIMEOUT=600)
    assert [str(problem) for problem in problems.last_report] == [
        "Pagefind could not index the site: pagefind: out of memory"
    ]
    assert not (tmp_path / "output").exists()


def test_the_build_takes_the_index_only_once_pagefind_has_ended(tmp_path, monkeypatch):
    # Pagefind's files are whole once its process has ended: a Pagefind that writes its last file late
    # still has that file whole in the output.
    use_as_pagefind(
        'while [ "$1" != "--output-path" ]; do shift; done; out="$2"\n'
        'mkdir -p "$out"; printf half > "$out/pagefind.js"; sleep 1; printf whole > "$out/pagefind.js"\n',
        tmp_path,
        monkeypatch,
    )
    built = build_site(tmp_path / "output", PATH=str(SEED_CONTENT))
    assert (built.output / "pagefind" / "pagefind.js").read_text() == "whole"


def is_running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_pagefind_still_running_when_the_process_ends_is_stopped(tmp_path, monkeypatch):
    # A build that failed, or was stopped, leaves its Pagefind running: it never outlives the process.
    use_as_pagefind("exec sleep 60\n", tmp_path, monkeypatch)
    indexing = search_index.Indexing(tmp_path, tmp_path / "index", tmp_path / "output", timeout=60)
    assert indexing in search_index.running and indexing.process.poll() is None
    search_index.stop_every_indexing()  # what the process's atexit handlers do
    assert indexing.process.poll() is not None and indexing not in search_index.running


def test_a_search_indexer_that_takes_too_long_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    started = tmp_path / "pid"
    use_as_pagefind(f"echo $$ > {started}\nexec sleep 60\n", tmp_path, monkeypatch)  # never ends by itself
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", PATH=str(SAMPLE_CONTENT), SEARCH_INDEX_TIMEOUT=1)
    assert [str(problem) for problem in problems.last_report] == [
        "Pagefind took more than SEARCH_INDEX_TIMEOUT (1 s) to index the site, and was stopped."
    ]
    assert not (tmp_path / "output").exists()
    assert not is_running(int(started.read_text()))  # stopped, and waited for, before the build ended


def test_posts_of_a_series_are_its_parts_in_order_with_a_page_listing_them(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    parts = [
        ("rust-1", "2024-03-01", ""),
        ("rust-3", "2024-01-01", "Series_index: 3\n"),
        ("rust-2", "2024-02-01", ""),
    ]
    for slug, date, index in parts:
        (content / f"{slug}.md").write_text(
            f"Title: {slug}\nDate: {date}\nSlug: {slug}\nSeries: Learning Rust\n{index}\nText.\n",
            encoding="utf-8",
        )
    (content / "other.md").write_text(
        "Title: Other\nDate: 2024-04-01\nSlug: other\n\nText.\n", encoding="utf-8"
    )
    built = build_site(tmp_path / "output", PATH=str(content))
    series = built.page("/series/learning-rust/")
    # Numbered parts first (here the third), then the others by date.
    assert [a.get_text() for a in series.select(".series-parts a")] == ["rust-3", "rust-2", "rust-1"]
    box = built.page("/posts/rust-2/").select_one("nav.series")
    assert box.p.get_text(" ", strip=True) == "Part 2 of 3 of the series Learning Rust ."
    assert [a["href"] for a in box.select("a")] == [
        "/series/learning-rust/",
        "/posts/rust-3/",
        "/posts/rust-1/",
    ]
    assert not built.page("/posts/other/").select("nav.series")


def test_fields_other_themes_gave_meaning_are_read_as_ours(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        "Title: A post\nDate: 2024-01-01\nSlug: a\nHeadline: Said in one line\n\nText.\n", encoding="utf-8"
    )
    page = build_site(tmp_path / "output", PATH=str(content)).page("/posts/a/")
    assert page.select_one(".post-subtitle").get_text() == "Said in one line"
    assert page.find("meta", attrs={"name": "description"})["content"] == "Said in one line"
