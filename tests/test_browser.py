"""The theme in a real browser: accessibility, layout, colour schemes, keyboard and print, in Chromium.

Each page kind is checked in light on a phone and in dark on a desktop. Screenshots of the home and post
pages are written to test-artifacts/screenshots/ for a person to look at.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from helpers import HOSTILE_CONTENT, ROOT, front_matter, header_rules, normalise

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

# Every kind of page: (which built site serves it, its URL). The sample site has what the real one lacks.
PAGES = {
    "index": ("seed_site_url", "/"),
    "article": ("seed_site_url", "/posts/military-information-agreement/"),
    "article with code, contents and images": ("sample_site_url", "/posts/code-contents-and-pictures/"),
    "draft": ("sample_site_url", "/drafts/a-draft/"),
    "archives": ("seed_site_url", "/archives/"),
    "tag": ("seed_site_url", "/tag/japan/"),
    "category": ("seed_site_url", "/category/politics/"),
    "author": ("sample_site_url", "/author/ada-example/"),
    "search": ("seed_site_url", "/search/"),
    "404": ("seed_site_url", "/no-such-page/"),
    "post in reST": ("moved_in_site_url", "/posts/decorators-gently/"),
    "translation": ("moved_in_site_url", "/fr/posts/generators/"),
}
SCHEMES = ["light", "dark"]


@dataclass
class Visit:
    """A page open in the browser, with what went wrong while it loaded."""

    page: object
    url: str
    console_errors: list = field(default_factory=list)
    outside_requests: list = field(default_factory=list)

    def evaluate(self, script, argument=None):
        return self.page.evaluate(script, argument)


@pytest.fixture
def browse(chromium, request):
    """Opens a page kind in a fresh browser context: browse("index", width=375, scheme="dark")."""
    contexts = []

    def open_page(kind, width=1280, scheme="light", **context_options):
        fixture_name, path = PAGES.get(kind, kind)
        url = request.getfixturevalue(fixture_name) + path
        context = chromium.new_context(
            viewport={"width": width, "height": 800}, color_scheme=scheme, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, url)
        context.route("**/*", lambda route: block_outside_requests(route, visit))
        page.on("console", lambda message: record_console_error(message, visit))
        page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        page.goto(url)
        return visit

    yield open_page
    for context in contexts:
        context.close()


def block_outside_requests(route, visit):
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        visit.outside_requests.append(route.request.url)
        route.abort()


def record_console_error(message, visit):
    # The 404 page is itself served with status 404, which Chromium reports for the document.
    own_status = message.location.get("url") == visit.url and "status of 404" in message.text
    if message.type == "error" and not own_status:
        visit.console_errors.append(message.text)


# Each page kind is visited twice, each visit running every check that can break there: light at 320 px,
# the narrowest width WCAG asks a page to reflow to (axe, no sideways scrolling, the skip link, console,
# outside requests), and dark at 1280 px (axe, whose contrast rules see the dark colours, and console).
# Layout does not change colours, nor colours the layout: the other two combinations would repeat these.
VISITS = {"light-mobile": ("light", 320), "dark-desktop": ("dark", 1280)}


def axe_violations(visit):
    results = Axe().run(visit.page, options=WCAG_22_AA)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("visit_name", VISITS)
@pytest.mark.parametrize("kind", PAGES)
def test_each_page_kind_is_accessible_and_self_contained(browse, kind, visit_name):
    scheme, width = VISITS[visit_name]
    visit = browse(kind, width=width, scheme=scheme)
    visit.page.wait_for_load_state("networkidle")
    if kind in ("index", "article"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=SCREENSHOTS / f"{kind}-{visit_name}.png", full_page=True)
    assert axe_violations(visit) == []
    assert visit.console_errors == [] and visit.outside_requests == []
    if width == 320:
        assert visit.evaluate("document.documentElement.scrollWidth") <= 320
        nav_links = visit.evaluate(
            "[...document.querySelectorAll('nav a')].map(a => a.getBoundingClientRect().right)"
        )
        assert nav_links and max(nav_links) <= 320
        visit.page.keyboard.press("Tab")
        focused = visit.evaluate(
            "(() => { const box = document.activeElement.getBoundingClientRect();"
            " return [document.activeElement.className, box.top >= 0 && box.bottom <= innerHeight]; })()"
        )
        assert focused == ["skip-link", True]
        visit.page.keyboard.press("Enter")
        assert visit.evaluate("document.activeElement.id") == "main"


def test_focused_links_show_a_visible_outline(browse):
    visit = browse("index")
    for _ in range(4):
        visit.page.keyboard.press("Tab")
        outline = visit.evaluate(
            "(() => { const style = getComputedStyle(document.activeElement);"
            " return [style.outlineStyle, parseFloat(style.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2


def luminance(css_colour):
    red, green, blue = (int(part) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("scheme", SCHEMES)
def test_colour_scheme_follows_the_reader_without_javascript(browse, scheme):
    visit = browse("article", scheme=scheme, java_script_enabled=False)
    background = luminance(visit.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = luminance(visit.evaluate("getComputedStyle(document.body).color"))
    assert (background < text) if scheme == "dark" else (background > text)


def test_dark_page_is_dark_before_the_stylesheet_arrives(chromium, seed_site_url):
    # No white flash: the page declares color-scheme itself, so the browser paints it dark from the first frame.
    context = chromium.new_context(color_scheme="dark", java_script_enabled=False)
    context.route("**/*.css", lambda route: route.abort())
    page = context.new_page()
    page.goto(seed_site_url + "/")
    try:
        assert luminance(page.evaluate("getComputedStyle(document.body).color")) > 0.8
    finally:
        context.close()


@pytest.mark.parametrize(("motion", "expected"), [("no-preference", "smooth"), ("reduce", "auto")])
def test_smooth_scrolling_only_without_a_reduced_motion_preference(browse, motion, expected):
    visit = browse("article", reduced_motion=motion)
    assert visit.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == expected


def test_lines_of_a_post_hold_about_60_to_75_characters(browse):
    visit = browse("article")
    characters_per_line = visit.evaluate(
        """[...document.querySelectorAll('.post-body p')].map(paragraph => {
            const range = document.createRange();
            range.selectNodeContents(paragraph);
            const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.bottom)));
            return paragraph.textContent.length / lines.size;
        })"""
    )
    assert characters_per_line and all(60 <= average <= 75 for average in characters_per_line), (
        characters_per_line
    )


def test_print_shows_the_text_black_on_white_with_link_targets(browse):
    visit = browse(("sample_site_url", "/posts/first-steps/"))
    visit.page.emulate_media(media="print")
    assert visit.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    assert visit.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert visit.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    link_suffix = visit.evaluate(
        "getComputedStyle(document.querySelector('.post-body a'), '::after').content"
    )
    assert "/posts/quotes-and-dashes/" in link_suffix


def search_for(visit, query):
    """Type a query and wait for results that mark it."""
    visit.page.fill("#search-query", query)
    visit.page.locator(".search-results mark", has_text=query).first.wait_for(timeout=10_000)


def test_search_finds_the_seed_post_by_a_word_of_its_text(browse):
    visit = browse("search")
    search_for(visit, "Pyongyang")
    found = visit.page.locator(".search-results a").evaluate_all("links => links.map(a => a.pathname)")
    assert found == ["/posts/military-information-agreement/"]
    assert "Pyongyang" in visit.page.locator(".search-results mark").first.inner_text()

    # The excerpt is the post's text, not its byline, which the index leaves out: a word of the first
    # sentence would otherwise be shown beside the date and reading time.
    search_for(visit, "important")
    excerpt = visit.page.locator(".search-results p").first.inner_text()
    assert "It is also important" in excerpt and "min read" not in excerpt
    assert visit.console_errors == [] and visit.outside_requests == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_results_have_no_wcag_22_aa_violations(browse, scheme):
    visit = browse("search", scheme=scheme)
    search_for(visit, "agreement")
    assert axe_violations(visit) == []


def test_search_page_explains_itself_without_javascript(browse):
    visit = browse("search", java_script_enabled=False)
    assert visit.page.locator(".search-fallback").is_visible()
    assert not visit.page.locator("#search-query").is_visible()


# Under the deployed Content-Security-Policy: the publish builds, served from their own SITEURL (the
# browser's requests are answered from the build folder) with the headers their own _headers
# gives every page.
VIOLATION_LISTENER = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


@pytest.fixture
def browse_deployed(chromium):
    """Opens a publish build's page as its host would serve it: browse_deployed(seed_publish_site, "/")."""
    contexts = []

    def open_page(built_site, path):
        siteurl = built_site.settings["SITEURL"]
        headers = header_rules(built_site.output / "_headers")["/*"]
        context = chromium.new_context(service_workers="block")
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, siteurl + path)

        def answer_from_the_build(route):
            url = route.request.url
            if not url.startswith(siteurl + "/"):
                visit.outside_requests.append(url)
                return route.abort()
            target = built_site.path_for_url(url)
            if target.is_file():
                return route.fulfill(path=target, headers=headers)
            route.fulfill(status=404, path=built_site.output / "404.html", headers=headers)

        context.route("**/*", answer_from_the_build)
        page.add_init_script(VIOLATION_LISTENER)
        page.on("console", lambda message: record_console_error(message, visit))
        page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        page.on(
            "dialog",
            lambda dialog: (visit.console_errors.append(f"dialog: {dialog.message}"), dialog.dismiss()),
        )
        page.goto(visit.url)
        page.wait_for_load_state("networkidle")
        return visit

    yield open_page
    for context in contexts:
        context.close()


def assert_ran_within_the_policy(visit):
    assert visit.evaluate("window.policyViolations") == []
    assert visit.console_errors == [] and visit.outside_requests == []
    # The stylesheet applied: its tokens resolve.
    assert visit.evaluate("getComputedStyle(document.body).getPropertyValue('--color-link')").strip()


@pytest.mark.parametrize(
    "path", ["/", "/posts/military-information-agreement/", "/archives/", "/no-such-page/"]
)
def test_pages_render_under_the_content_security_policy(browse_deployed, seed_publish_site, path):
    assert_ran_within_the_policy(browse_deployed(seed_publish_site, path))


def test_search_works_under_the_content_security_policy(browse_deployed, seed_publish_site):
    visit = browse_deployed(seed_publish_site, "/search/")
    search_for(visit, "Pyongyang")
    assert (
        visit.page.locator(".search-results a")
        .first.get_attribute("href")
        .endswith("/posts/military-information-agreement/")
    )
    assert_ran_within_the_policy(visit)


@pytest.mark.parametrize("source", sorted(HOSTILE_CONTENT.glob("*.md")), ids=lambda path: path.stem)
def test_hostile_posts_run_nothing_under_the_content_security_policy(browse_deployed, hostile_site, source):
    visit = browse_deployed(hostile_site, f"/posts/{source.stem}/")
    assert_ran_within_the_policy(visit)
    scripts = visit.evaluate("[...document.scripts].map(script => script.type)")
    assert set(scripts) <= {"application/ld+json"}
    assert normalise(visit.page.locator("h1").inner_text()) == front_matter(source)["title"]
