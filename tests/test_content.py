"""Content fidelity: the real site shows the seed page's words, in its order."""

from datetime import UTC, datetime

import pytest

from helpers import SEED_CONTENT, block_texts, normalise

POST_URL = "/posts/military-information-agreement/"


def assert_blocks_in_order(soup, seed_blocks):
    texts = block_texts(soup)
    position = -1
    for block in seed_blocks:
        expected = normalise(block)
        later = [i for i, text in enumerate(texts) if i > position and text == expected]
        assert later, f"no element after block {position} reads: {expected[:80]}…"
        position = later[0]


@pytest.mark.parametrize("url", ["/", POST_URL])
def test_page_shows_seed_blocks_in_order(seed_site, seed_blocks, url):
    assert_blocks_in_order(seed_site.page(url), seed_blocks)


@pytest.mark.parametrize("url", ["/", POST_URL])
def test_post_has_no_code_and_no_backtick(seed_site, url):
    post = seed_site.page(url).find("article")
    assert post.find("code") is None
    assert "`" not in post.get_text()


def test_seed_has_five_blocks(seed_blocks):
    assert seed_blocks[:3] == ["Our Blog", "This is an optional subtitle.", "Military Information Agreement"]
    assert len(seed_blocks) == 5


def test_apostrophes_are_stored_typographic():
    source = (SEED_CONTENT / "military-information-agreement.md").read_text(encoding="utf-8")
    assert "`" not in source
    assert "country\u2019s" in source and "Japan\u2019s" in source


def test_post_date_is_not_before_the_latest_event_it_names(seed_site):
    time_element = seed_site.page(POST_URL).find("article").find("time")
    published = datetime.fromisoformat(time_element["datetime"])
    assert published >= datetime(2019, 8, 22, tzinfo=UTC)


def test_post_names_no_author(seed_site):
    assert seed_site.page(POST_URL).select(".byline a[href*='/author/']") == []
