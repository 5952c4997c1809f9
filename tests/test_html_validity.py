"""The Nu HTML Checker (vnu.jar, the current release, on Java) finds no error on any page of any build.

One Java start checks every page of the fixture sites; another, your own site's (content/). On your
site it checks what the theme writes around your posts: the HTML you write into a post (an old embed's
`frameborder`, a `<center>`) is yours to keep, and is left out of the check.
"""

import pytest
from bs4 import BeautifulSoup

from helpers import fixture_sites, nu_checker_errors

pytestmark = pytest.mark.validator

FIXTURE_BUILDS = [
    "seed_site",
    "seed_publish_site",
    "sample_site",
    "hostile_site",
    "statuses_site",
    "moved_in_sites",
    "moved_in_publish_sites",
]
AUTHOR_BUILDS = ["author_site", "author_publish_site"]
# What holds an author's own HTML on a page: a post's text, and its summary in listings.
AUTHORS_HTML = ".e-content, .summary"


@pytest.fixture(scope="session")
def fixture_errors(request):
    pages = [
        path
        for built in FIXTURE_BUILDS
        for site in fixture_sites(request, built)
        for path in site.html_files()
    ]
    return nu_checker_errors(pages)


def theme_markup(site, path, folder):
    """A copy of a page with what the author wrote into it emptied: the theme's own markup."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for element in soup.select(AUTHORS_HTML):
        element.clear()
    copy = folder / path.relative_to(site.output.parent)
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(str(soup), encoding="utf-8")
    return copy


@pytest.fixture(scope="session")
def author_errors(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("theme-markup")
    sites = [request.getfixturevalue(built) for built in AUTHOR_BUILDS]
    return nu_checker_errors(
        [theme_markup(site, path, folder) for site in sites for path in site.html_files()]
    )


@pytest.mark.parametrize("built", FIXTURE_BUILDS)
def test_every_page_of_the_fixture_sites_passes_the_nu_html_checker(request, fixture_errors, built):
    for site in fixture_sites(request, built):
        assert [error for error in fixture_errors if f"{site.output}/" in error] == []


@pytest.mark.parametrize("built", AUTHOR_BUILDS)
def test_every_page_of_your_site_passes_the_nu_html_checker(request, author_errors, built):
    site = request.getfixturevalue(built)
    assert [error for error in author_errors if f"/{site.output.parent.name}/" in error] == []
