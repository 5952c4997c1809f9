"""Everything Pelican's content docs describe renders through the theme, whatever URL settings a blog brings.

The moved-in site (tests/sites/moved_in) is a blog written for another theme: no Summary, tags in
capitals and several words, Markdown summaries, reST beside Markdown, dates and categories from file
and folder names, a translation, an iframe, every form of internal link. Each test runs on its three
builds: this project's clean URLs, Pelican's defaults, and a blog under blog/ with dates in its
addresses and pages named by their path.
"""

import re

import feedparser
import pytest

from helpers import MOVED_IN, normalise

CONTENT = MOVED_IN / "content"


def post(site, title):
    """The page of the post or page titled so, found through the archives and menus, as a reader would."""
    for path, soup in site.pages():
        heading = soup.select_one("h1.post-title")
        if heading and normalise(heading.get_text()) == title:
            return path, soup
    raise AssertionError(f"no page of {site.output} is titled {title!r}")


def home(site):
    """The home page, found as a reader finds it: the site name links it from every page, 404.html too."""
    return site.page(site.page("/404.html").select_one("a[rel=home]")["href"])


def links_of(soup):
    return {normalise(a.get_text()): a["href"] for a in soup.select(".post-body a[href]")}


def test_a_body_starting_with_a_level_one_heading_leaves_the_title_the_only_h1(moved_in_site):
    _, soup = post(moved_in_site, "First light")
    assert len(soup.find_all("h1")) == 1
    assert [heading.name for heading in soup.select(".post-body h2, .post-body h3")] == ["h2", "h3", "h3"]


def test_dates_and_categories_come_from_file_and_folder_names(moved_in_site):
    _, first = post(moved_in_site, "First light")
    assert first.select_one(".byline time")["datetime"].startswith("2019-03-04")
    _, generators = post(moved_in_site, "Generators, lazily")
    assert normalise(generators.select_one(".byline a[href*='categor']").get_text()) == "python"


def test_every_form_of_internal_link_leads_to_its_page(moved_in_site):
    _, soup = post(moved_in_site, "First light")
    links = links_of(soup)
    targets = {
        "decorators post": "Decorators, gently",  # {filename}, to a reST post
        "AWS": 'Posts tagged "aws"',  # {tag}
        "Python category": 'Posts in "python"',  # {category}
        "by Ada Lovelace": "Posts by Ada Lovelace",  # {author}
        "about page": "About this blog",  # |filename|, the older form
    }
    for text, heading in targets.items():
        page = moved_in_site.page(links[text])
        assert normalise(page.h1.get_text()) == heading, text
    assert moved_in_site.path_for_url(links["the home page"]).is_file()  # {index}
    assert soup.find(id=links["a section below"].lstrip("#"))
    _, generators = post(moved_in_site, "Generators, lazily")
    assert (
        moved_in_site.path_for_url(links_of(generators)["its data"]).read_text()
        == (CONTENT / "python" / "data.csv").read_text()
    )  # {attach}


def test_restructuredtext_renders_as_markdown_does(moved_in_site):
    path, soup = post(moved_in_site, "Decorators, gently")
    body = soup.select_one(".post-body")
    image = body.find("img")
    # :width: 120px becomes attributes, the height kept in proportion (the file is 240 by 240), never style=.
    assert (image["width"], image["height"], image["alt"]) == (
        "120",
        "120",
        "A ring drawn in blue, standing in for a chart",
    )
    assert image["decoding"] == "async" and not soup.select("[style]")
    assert (
        all(block.get("tabindex") == "0" for block in body.find_all("pre")) and len(body.find_all("pre")) == 2
    )
    assert body.find("table") and body.select("a[href^='#']")  # a table, and a footnote's link
    assert "A comment for the author" not in path.read_text(encoding="utf-8")
    assert normalise(soup.select_one(".byline").get_text()).count("updated") == 1  # :modified:
    assert [normalise(a.get_text()) for a in soup.select(".byline a[href*='author']")] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]


def test_a_summary_is_markdown_in_listings_and_plain_text_in_the_head(moved_in_site):
    summaries = {
        normalise(article.select_one(".post-title").get_text()): article.select_one(".summary")
        for article in home(moved_in_site).select("article.post-summary")
    }
    generators = summaries["Generators, lazily"]
    assert generators.find("em").get_text() == "generators" and generators.find("a")["href"].startswith(
        "https://"
    )
    _, page = post(moved_in_site, "Generators, lazily")
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == "How generators work, with a link to the documentation."


def test_a_post_without_summary_is_summed_up_by_its_first_paragraph(moved_in_site):
    _, page = post(moved_in_site, "First light")
    description = page.find("meta", attrs={"name": "description"})["content"]
    first_paragraph = normalise(page.select_one(".post-body p").get_text())
    assert first_paragraph.startswith(description.removesuffix("…")) and len(description) <= 160


def test_tags_one_slug_apart_are_one_tag_spelled_as_most_posts_spell_it(moved_in_site):
    tags = moved_in_site.page(home(moved_in_site).select_one("nav a[href*='tags']")["href"])
    listed = [normalise(a.get_text()) for a in tags.select(".term-list a")]
    # "AWS" once, "aws" in two posts; "Data Science" once, "Data science" once: a tie goes to the first in order.
    assert sorted(listed) == ["Data Science", "Python", "aws", "한국"]
    for path, soup in moved_in_site.pages():
        for tag in soup.select(".tag-list a"):
            assert normalise(tag.get_text()) in listed, path


def test_titles_in_any_script_get_an_address(moved_in_site):
    path, _ = post(moved_in_site, "서울의 봄")
    assert "seoul" in path.as_posix()


def test_a_post_without_tags_or_author_leaves_no_empty_element(moved_in_site):
    _, soup = post(moved_in_site, "A post with no tags and no author")
    article = soup.find("article")
    assert article.select(".tag-list, .post-footer") == []
    assert all(normalise(span.get_text()) for span in article.select(".byline span"))
    assert not article.select(".byline a[href*='author']")


def test_a_page_uses_the_template_it_asks_for(moved_in_site):
    _, soup = post(moved_in_site, "Landing")
    assert normalise(soup.select_one(".landing-banner").get_text()) == "A template the blog brought with it."


def test_a_page_keeps_its_own_url_and_save_as(moved_in_site):
    page = moved_in_site.page("/special-place/")
    assert normalise(page.h1.get_text()) == "A page with its own address"


def test_a_translation_has_its_language_and_links_both_ways(moved_in_site):
    english_path, english = post(moved_in_site, "Generators, lazily")
    french_path, french = post(moved_in_site, "Les générateurs, paresseusement")
    assert english.html["lang"] == "en" and french.html["lang"] == "fr"
    for soup, other_path, language in ((english, french_path, "fr"), (french, english_path, "en")):
        alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", hreflang=True)}
        assert set(alternates) == {"en", "fr"}
        assert moved_in_site.path_for_url(alternates[language]) == other_path
        visible = soup.select_one(".other-languages a")
        assert visible["hreflang"] == language and moved_in_site.path_for_url(visible["href"]) == other_path


def test_listings_show_each_post_once_in_one_language(moved_in_site):
    titles = [normalise(title.get_text()) for title in home(moved_in_site).select(".post-title")]
    assert "Generators, lazily" in titles and "Les générateurs, paresseusement" not in titles
    assert len(titles) == len(set(titles)) == 5


def test_feeds_and_sitemap_follow_the_urls_and_name_the_translation(moved_in_publish_site):
    site = moved_in_publish_site
    atom = feedparser.parse(site.output / "feeds" / "all.atom.xml")
    assert not atom.bozo and len(atom.entries) == 6  # the five posts and the translation
    for entry in atom.entries:
        assert site.path_for_url(entry.link).is_file(), entry.link
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    alternates = re.findall(r'hreflang="(\w+)" href="([^"]+)"', sitemap)
    assert {language for language, _ in alternates} == {"en", "fr"} and len(alternates) == 4
    assert all(site.path_for_url(url).is_file() for _, url in alternates)


@pytest.mark.parametrize("scheme_setting", ["ARTICLE_URL", "PAGE_URL", "TAG_URL"])
def test_the_schemes_really_differ(moved_in_sites, scheme_setting):
    # Each build follows its own settings: the same post lives at three different addresses.
    urls = {site.settings[scheme_setting] for site in moved_in_sites.values()}
    assert len(urls) == 3
