"""The reader's budget, on the publish build: a page and all it loads arrive in one round trip.

`pytest tests/test_budget.py -s` prints the figures; a failure prints them too.
"""

import gzip
import hashlib
import re
from typing import NamedTuple
from urllib.parse import urljoin

import pytest

from helpers import PUBLISH_SITEURL, ROOT

# What a server sends in the first round trip of a new connection: TCP's initial window of ten
# segments, about 14 KB.
ROUND_TRIP_BYTES = 14 * 1024
# Gzip at zlib's default level, the one web servers commonly use for pages compressed on the fly.
GZIP_LEVEL = 6
# The HTML and one stylesheet. Not an inline <style>: the strict Content-Security-Policy forbids it.
MAX_REQUESTS = 2
# The article page and all it loads, gzipped, against the post's own text gzipped. The text is
# about 1.4 KB, so the bound is about 5.6 KB: head, navigation, footer and stylesheet together may
# weigh up to three times what the reader came for, and no more. The page weighs about 2.9 today;
# the margin is for the metadata and reading features the site plans, not for bloat.
MAX_PAGE_TO_TEXT = 4

STYLESHEET_SOURCE = ROOT / "theme" / "static" / "css" / "main.css"
ARTICLE_URL = f"{PUBLISH_SITEURL}/posts/military-information-agreement/"
PAGES = {"article": ARTICLE_URL, "index": f"{PUBLISH_SITEURL}/"}

# Elements and the attributes through which they load something.
LOADING_ATTRIBUTES = [
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "poster"),
    ("video", "src"),
    ("audio", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
]
# Links that load nothing while the page renders: navigation, feeds, the canonical URL.
LINKS_THAT_LOAD_NOTHING = {"alternate", "canonical", "next", "prev", "author", "license", "me"}
# Fetched once per seed_site, after the page has rendered, and cached: weighed here, not counted as a request.
ICON_RELS = {"icon", "apple-touch-icon"}
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def srcset_urls(value):
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def loaded_resources(soup, page_url):
    """(URL, rels) of everything the page's HTML makes the browser fetch."""
    resources = []
    for tag_name, attribute in LOADING_ATTRIBUTES:
        for element in soup.find_all(tag_name, attrs={attribute: True}):
            rels = set(element.get("rel", []))
            if tag_name == "link" and (not rels or rels & LINKS_THAT_LOAD_NOTHING):
                continue
            values = srcset_urls(element[attribute]) if attribute == "srcset" else [element[attribute]]
            resources += [(urljoin(page_url, value), rels) for value in values]
    return resources


def css_resources(css, stylesheet_url):
    """URLs a stylesheet loads: url() values (images, fonts) and @import."""
    urls = [first or second for first, second in CSS_URL.findall(css)]
    return [urljoin(stylesheet_url, url) for url in urls if not url.startswith("data:")]


class Resource(NamedTuple):
    kind: str  # html, stylesheet, icon or resource
    url: str
    raw: int  # bytes
    gzip: int  # bytes, gzipped


def read_resource(seed_site, url):
    path = seed_site.path_for_url(url)
    assert path is not None, f"{url} is not on the site: every resource must come from the same origin"
    assert path.is_file(), f"{url} is loaded but not in the build"
    return path.read_bytes()


def weigh(kind, url, data):
    return Resource(kind, url, len(data), len(gzip.compress(data, compresslevel=GZIP_LEVEL)))


@pytest.fixture(scope="module")
def budgets(seed_publish_site):
    """For each page: its soup, its stylesheets' text, and the Resource rows of all it loads."""
    measured = {}
    for name, page_url in PAGES.items():
        rows = [weigh("html", page_url, read_resource(seed_publish_site, page_url))]
        stylesheets = []
        pending = loaded_resources(seed_publish_site.page(page_url), page_url)
        while pending:
            url, rels = pending.pop(0)
            data = read_resource(seed_publish_site, url)
            kind = "icon" if rels & ICON_RELS else "stylesheet" if url.endswith(".css") else "resource"
            rows.append(weigh(kind, url, data))
            if kind == "stylesheet":
                stylesheets.append(data.decode("utf-8"))
                pending += [(found, set()) for found in css_resources(stylesheets[-1], url)]
        measured[name] = {"soup": seed_publish_site.page(page_url), "stylesheets": stylesheets, "rows": rows}
        print(figures(name, rows))
    return measured


def figures(name, rows):
    """A table of what a page loads, its bytes raw and gzipped, for the test's output."""
    lines = [f"{name} page, gzip level {GZIP_LEVEL}:"]
    for row in rows:
        lines.append(f"  {row.kind:<11}{row.raw:>7} B raw {row.gzip:>6} B gzip  {row.url}")
    raw, compressed = sum(row.raw for row in rows), sum(row.gzip for row in rows)
    lines.append(f"  {'total':<11}{raw:>7} B raw {compressed:>6} B gzip  (budget {ROUND_TRIP_BYTES} B gzip)")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_page_arrives_in_one_round_trip(budgets, name):
    rows = budgets[name]["rows"]
    assert sum(row.gzip for row in rows) <= ROUND_TRIP_BYTES, figures(name, rows)


@pytest.mark.parametrize("name", PAGES)
def test_page_needs_at_most_two_requests(budgets, name):
    rows = budgets[name]["rows"]
    assert len([row for row in rows if row.kind != "icon"]) <= MAX_REQUESTS, figures(name, rows)


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_no_javascript(budgets, name):
    soup = budgets[name]["soup"]
    scripts = [
        script for script in soup.find_all("script") if script.get("type", "").lower() in JAVASCRIPT_TYPES
    ]
    handlers = [
        (tag.name, attribute)
        for tag in soup.find_all(True)
        for attribute in tag.attrs
        if attribute.startswith("on")
    ]
    assert scripts == [] and handlers == []


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_no_web_font(budgets, name):
    fonts = [row.url for row in budgets[name]["rows"] if FONT_FILE.search(row.url)]
    assert fonts == []
    assert not any("@font-face" in css for css in budgets[name]["stylesheets"])


@pytest.mark.parametrize("name", PAGES)
def test_media_reserve_their_space(budgets, name):
    """Width and height on every image, video and frame: nothing moves when they arrive."""
    media = budgets[name]["soup"].find_all(["img", "video", "iframe", "embed", "object"])
    unsized = [str(element)[:80] for element in media if not (element.get("width") and element.get("height"))]
    assert unsized == []


def test_article_page_is_not_many_times_its_text(budgets):
    soup = budgets["article"]["soup"]
    text = soup.select_one(".post-body").get_text().encode("utf-8")
    text_bytes = len(gzip.compress(text, compresslevel=GZIP_LEVEL))
    page_bytes = sum(row.gzip for row in budgets["article"]["rows"])
    ratio = f"article page {page_bytes} B gzip, its text {text_bytes} B gzip: {page_bytes / text_bytes:.1f}x"
    print(ratio)
    assert page_bytes <= MAX_PAGE_TO_TEXT * text_bytes, ratio


def test_published_stylesheet_is_minified_and_named_by_its_content(budgets):
    [url] = [row.url for row in budgets["article"]["rows"] if row.kind == "stylesheet"]
    [css] = budgets["article"]["stylesheets"]
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    assert url.endswith(f"/main.{digest}.css")
    assert "/*" not in css and "\n" not in css.strip()
    assert len(css) < 0.8 * len(STYLESHEET_SOURCE.read_text(encoding="utf-8"))


def test_local_stylesheet_stays_readable(seed_site):
    href = seed_site.page("/").find("link", rel="stylesheet")["href"]
    assert seed_site.path_for_url(href).read_bytes() == STYLESHEET_SOURCE.read_bytes()
