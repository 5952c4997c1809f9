"""A post keeps its former addresses: a page at each of its Aliases leads to it, and _redirects lists them."""

import xml.etree.ElementTree as ElementTree

import pytest

from helpers import (
    PUBLISH_ROOT_SITEURL,
    PUBLISH_SITEURL,
    SITES,
    build_site,
    nu_checker_errors,
    open_as_deployed,
)
from ourblog.build import BuildFailed
from plugins import problems

REDIRECTS_CONTENT = SITES / "redirects" / "content"
# Each former address the fixture posts list, as a file of the output, and the address it leads to.
REDIRECT_PAGES = {
    "2019/08/moved-post.html": "posts/moved-post/",  # "/2019/08/moved-post.html"
    "old/moved/index.html": "posts/moved-post/",  # "old/moved/"
    "2019/08/café-post/index.html": "posts/moved-post/",  # a full URL on SITEURL, percent-encoded
    "fr/2019/ancien/index.html": "fr/posts/moved-post/",  # a translation's
    "legacy/rest-post.htm": "posts/rest-post/",  # reST, `:alias:` with two, space-separated
    "legacy/rest-post-2/index.html": "posts/rest-post/",  # no slash, no extension: a folder
    "old/hidden/index.html": "posts/hidden-post/",  # a hidden post's
    "about-us/index.html": "about/",  # a page's
}
# _redirects, after the site's own path ("/blog").
REDIRECT_LINES = {
    "/2019/08/moved-post.html /posts/moved-post/ 301",
    "/old/moved/ /posts/moved-post/ 301",
    "/2019/08/caf%C3%A9-post/ /posts/moved-post/ 301",
    "/fr/2019/ancien/ /fr/posts/moved-post/ 301",
    "/legacy/rest-post.htm /posts/rest-post/ 301",
    "/legacy/rest-post-2 /posts/rest-post/ 301",
    "/old/hidden/ /posts/hidden-post/ 301",
    "/about-us/ /about/ 301",
}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def redirects_site(tmp_path_factory):
    """The redirects fixture site with the publish settings, under a subpath."""
    return build_site(
        tmp_path_factory.mktemp("redirects"),
        "publishconf.py",
        SITEURL=PUBLISH_SITEURL,
        PATH=str(REDIRECTS_CONTENT),
    )


@pytest.fixture(scope="module")
def redirects_local_site(tmp_path_factory):
    """The same site built locally: no SITEURL, drafts built."""
    return build_site(tmp_path_factory.mktemp("redirects-local"), PATH=str(REDIRECTS_CONTENT))


def redirect_lines(built_site):
    text = (built_site.output / "_redirects").read_text(encoding="utf-8")
    return {line for line in text.splitlines() if line and not line.startswith("#")}


@pytest.mark.parametrize("page", REDIRECT_PAGES)
def test_each_former_address_has_a_page_that_leads_to_its_post(redirects_site, page):
    target = f"{PUBLISH_SITEURL}/{REDIRECT_PAGES[page]}"
    soup = redirects_site.page(f"/{page}")
    assert soup.find("link", rel="canonical")["href"] == target
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={target}"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert len(soup.find_all("h1")) == 1
    assert [link["href"] for link in soup.main.find_all("a")] == [target]
    # Nothing the Content-Security-Policy forbids: no inline script or style.
    assert soup.find("style") is None and not soup.find_all(style=True)
    assert all(script.get("src") or script.get("type") == "application/ld+json" for script in soup("script"))


def test_only_former_addresses_have_redirect_pages(redirects_site):
    redirect_pages = {
        path.relative_to(redirects_site.output).as_posix()
        for path in redirects_site.output.rglob("*.htm*")
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8")
    }
    assert redirect_pages == set(REDIRECT_PAGES)


def test_redirects_file_names_paths_under_the_sites_own_path(redirects_site):
    assert redirect_lines(redirects_site) == {
        " ".join(f"/blog{part}" if part.startswith("/") else part for part in line.split())
        for line in REDIRECT_LINES
    }


def test_redirects_file_at_a_domain_root(tmp_path):
    root_site = build_site(
        tmp_path, "publishconf.py", SITEURL=PUBLISH_ROOT_SITEURL, PATH=str(REDIRECTS_CONTENT)
    )
    # The alias written as a full URL names a path under /blog/: at the domain root, that is where it stays.
    full_url_alias = "/2019/08/caf%C3%A9-post/ /posts/moved-post/ 301"
    assert redirect_lines(root_site) == REDIRECT_LINES - {full_url_alias} | {f"/blog{full_url_alias}"}


def test_redirect_pages_are_neither_in_the_sitemap_nor_searched(redirects_site):
    sitemap = ElementTree.parse(redirects_site.output / "sitemap.xml").getroot()
    listed = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
    assert f"{PUBLISH_SITEURL}/posts/moved-post/" in listed
    for page in REDIRECT_PAGES:
        assert f"{PUBLISH_SITEURL}/{page.removesuffix('index.html')}" not in listed
        assert redirects_site.page(f"/{page}").find(attrs={"data-pagefind-body": True}) is None


def test_a_drafts_former_address_exists_only_where_drafts_are_built(redirects_site, redirects_local_site):
    local_page = redirects_local_site.page("/old/draft/")
    assert local_page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/drafts/draft-post/"
    assert not (redirects_site.output / "old" / "draft").exists()
    assert not any("draft" in line for line in redirect_lines(redirects_site))


def test_the_local_build_writes_no_redirects_file(redirects_local_site):
    assert (redirects_local_site.output / "old" / "moved" / "index.html").is_file()
    assert not (redirects_local_site.output / "_redirects").exists()


BAD_ALIASES = """\
Title: A
Date: 2024-01-01 10:00
Slug: a
Category: Notes
Tags: notes
Summary: A post whose aliases cannot all lead to it.
Aliases: search/, posts/b/, tag/notes/, posts/a/, shared/, ../../outside/, https://elsewhere.example/x, old/?p=1, images/photo.png, kept/

A.
"""
ALSO_CLAIMS = """\
Title: B
Date: 2024-01-02 10:00
Slug: b
Summary: A post that claims an alias the first one lists.
Alias: shared/

B.
"""

UNWRITTEN = """\
Title: C
Date: 2024-01-03 10:00
Summary: A post the site does not write, nor list.
Status: hidden
Aliases: gone/
Save_as:

C.
"""


def test_aliases_that_cannot_lead_to_their_post_are_problems_on_the_aliases_line(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "a.md").write_text(BAD_ALIASES, encoding="utf-8")
    (content / "b.md").write_text(ALSO_CLAIMS, encoding="utf-8")
    (content / "c.md").write_text(UNWRITTEN, encoding="utf-8")
    (content / "images" / "photo.png").write_bytes(b"not really a picture")
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", "publishconf.py", SITEURL=PUBLISH_SITEURL, PATH=str(content))
    a, b, c = (problems.shown(content / name) for name in ("a.md", "b.md", "c.md"))
    reported = {str(problem) for problem in problems.last_report if not problem.note}
    assert reported == {
        f'{a}:7: has an alias, "search/", that is the address of the page at /search/.',
        f'{a}:7: has an alias, "posts/b/", that is the address of {b}.',
        f'{a}:7: has an alias, "tag/notes/", that is the address of the page at /tag/notes/.',
        f'{a}:7: has an alias, "posts/a/", that is its own address.',
        f'{a}:7: has an alias, "../../outside/", that would be written outside the output folder.',
        f'{a}:7: has an alias, "https://elsewhere.example/x", that is on elsewhere.example, '
        "not on this site's host, example.org.",
        f'{a}:7: has an alias, "old/?p=1", that has a ?query or #fragment, which a static host never '
        "matches a file by.",
        f'{a}:7: has an alias, "images/photo.png", that is the address of '
        f"{problems.shown(content / 'images' / 'photo.png')}.",
        f'{b}:5: has an alias, "shared/", that {a} also lists: a former address leads to one page only.',
        f'{c}:5: has an alias, "gone/", that leads to no page: the post\'s save_as is empty.',
    }


@pytest.mark.validator
def test_redirect_pages_pass_the_nu_html_checker(redirects_site):
    assert nu_checker_errors([redirects_site.output / page for page in REDIRECT_PAGES]) == []


@pytest.mark.browser
def test_a_former_address_takes_the_browser_to_the_post(redirects_site, chromium):
    page = open_as_deployed(chromium, redirects_site, "/2019/08/moved-post.html")
    try:
        page.wait_for_url(f"{PUBLISH_SITEURL}/posts/moved-post/")
        assert page.locator("h1").inner_text() == "A post that moved"
        assert page.evaluate("window.policyViolations") == []
    finally:
        page.context.close()
