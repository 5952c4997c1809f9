"""Social cards: a picture for every post's link previews, drawn at build time (plugins/social_cards.py).

Every page of a publish build names a picture (og:image with its size and alt text; Twitter's large
card): a post its card, or its own `Image:`; every other page the site's card. Cards are 1200 by 630
PNGs in the theme's colours, at most 100 KB; titles wrap at spaces and end with an ellipsis after a
whole word when they cannot fit; a title in a script the font lacks is left out; a warm build draws
only the cards that changed. `bench/cards.py` measures their cost.
"""

import re
import shutil
from io import BytesIO

import pytest
from PIL import Image

from helpers import PUBLISH_SITEURL, ROOT, build_site
from ourblog.build import BuildFailed
from plugins import problems, social_cards

MAX_CARD_BYTES = 100 * 1024
PUBLISH_BUILDS = ["sample_publish_site", "sample_root_site", "seed_publish_site", "consumers_publish_site"]
POST = "Title: {title}\nDate: 2024-05-01 10:00\nSlug: {slug}\n{extra}\nThe text.\n"


def meta(soup, name):
    element = soup.find("meta", property=name) or soup.find("meta", attrs={"name": name})
    return element and element["content"]


def card_of(site, soup):
    """The picture a page names, opened from the build, with what the page says about it."""
    url = meta(soup, "og:image")
    path = site.path_for_url(url)
    assert url.startswith(site.settings["SITEURL"] + "/") and path.is_file(), url
    return path, Image.open(path)


# What every page says ---------------------------------------------------------------------------


@pytest.mark.parametrize("built", PUBLISH_BUILDS)
def test_every_page_names_a_picture_with_its_size_and_alt_text(request, built):
    site = request.getfixturevalue(built)
    for path in site.html_files():
        soup = site.page(site.url_of(path))
        _, picture = card_of(site, soup)
        assert picture.size == (int(meta(soup, "og:image:width")), int(meta(soup, "og:image:height"))), path
        assert meta(soup, "og:image:alt").strip(), path
        assert meta(soup, "twitter:card") == "summary_large_image", path


@pytest.mark.parametrize("built", PUBLISH_BUILDS)
def test_each_post_has_a_card_of_its_own_and_other_pages_the_sites(request, built):
    site = request.getfixturevalue(built)
    posts = sorted(site.output.glob("posts/*/index.html"))
    home = meta(site.page(site.settings["SITEURL"] + "/"), "og:image")
    post_cards = {meta(site.page(site.url_of(path)), "og:image") for path in posts}
    assert len(post_cards) == len(posts) and home not in post_cards
    for path in set(site.html_files()) - set(posts):
        assert meta(site.page(site.url_of(path)), "og:image") == home, path


@pytest.mark.parametrize("built", PUBLISH_BUILDS)
def test_cards_are_small_pngs_of_the_size_link_previews_show(request, built):
    site = request.getfixturevalue(built)
    cards = sorted((site.output / "cards").glob("*.png"))
    assert cards
    for path in cards:
        with Image.open(path) as card:
            assert card.format == "PNG" and card.size == (1200, 630)
        assert path.stat().st_size <= MAX_CARD_BYTES, path


def test_a_cards_alt_text_says_what_it_shows(seed_publish_site):
    soup = seed_publish_site.page(f"{PUBLISH_SITEURL}/posts/military-information-agreement/")
    assert meta(soup, "og:image:alt") == "Military Information Agreement, Our Blog, 23 August 2019"
    assert meta(seed_publish_site.page(f"{PUBLISH_SITEURL}/"), "og:image:alt") == "Our Blog, example.org/blog"


def test_a_posts_own_image_wins(consumers_publish_site, consumers_root_site):
    for site in (consumers_publish_site, consumers_root_site):
        soup = site.page(site.settings["SITEURL"] + "/posts/own-picture/")
        assert meta(soup, "og:image") == site.settings["SITEURL"] + "/images/cover.png"
        assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("480", "480")
        assert meta(soup, "og:image:alt") == "A blue ring on a white ground."


def test_a_title_in_a_script_the_font_lacks_gives_a_card_without_it(consumers_publish_site):
    soup = consumers_publish_site.page(f"{PUBLISH_SITEURL}/posts/seoul-spring/")
    assert meta(soup, "og:image:alt") == "Our Blog, 1 March 2024"
    assert meta(soup, "og:title").startswith("서울의 봄")


def test_local_builds_make_no_cards(seed_site):
    assert not (seed_site.output / "cards").exists()
    assert seed_site.page("/").find("meta", property="og:image") is None


# How a card is drawn ----------------------------------------------------------------------------


def test_cards_are_painted_in_the_stylesheets_colours(seed_publish_site):
    css = (ROOT / "theme" / "static" / "css" / "main.css").read_text(encoding="utf-8")
    token = {}
    for name, value in re.findall(r"--(color-[\w-]+):\s*(#[0-9a-f]{6});", css):
        token.setdefault(name, value)  # the first, light, values: dark mode comes later
    _, card = card_of(seed_publish_site, seed_publish_site.page(f"{PUBLISH_SITEURL}/"))
    rgb = card.convert("RGB")
    assert rgb.getpixel((1190, 10)) == hex_colour(token["color-background"])
    assert rgb.getpixel((5, 300)) == hex_colour(token["color-link"])  # the band down the left edge
    # Antialiasing blends the text into the background; its own colour is there, exactly.
    assert hex_colour(token["color-text"]) in {colour for _, colour in rgb.getcolors(1 << 16)}


def hex_colour(value):
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def test_a_short_title_is_one_line_at_the_largest_size():
    assert social_cards.headline_layout("First steps") == (social_cards.HEADLINE_SIZES[0], ["First steps"])


def test_a_long_title_wraps_at_spaces_and_shrinks_before_it_is_cut():
    title = "How two neighbours signed an intelligence pact and why one of them later moved to leave it"
    size, lines = social_cards.headline_layout(title)
    assert " ".join(lines) == title  # every word, none cut
    assert size < social_cards.HEADLINE_SIZES[0] and len(lines) > 1
    assert all(
        social_cards.font(social_cards.BOLD, size).getlength(line) <= social_cards.TEXT_WIDTH
        for line in lines
    )


def test_a_title_too_long_for_the_smallest_size_ends_with_an_ellipsis_after_a_whole_word():
    words = [f"word{number}" for number in range(200)]
    size, lines = social_cards.headline_layout(" ".join(words))
    assert size == social_cards.HEADLINE_SIZES[-1] and len(lines) == social_cards.lines_that_fit(size)
    assert lines[-1].endswith("…")
    shown = " ".join(lines).removesuffix("…").split()
    assert shown == words[: len(shown)]  # whole words, in order, none cut
    assert all(
        social_cards.font(social_cards.BOLD, size).getlength(line) <= social_cards.TEXT_WIDTH
        for line in lines
    )


def test_a_line_cut_short_drops_whole_words_until_its_ellipsis_fits():
    typeface = social_cards.font(social_cards.BOLD, social_cards.HEADLINE_SIZES[-1])
    width = typeface.getlength("alpha beta gamma")  # the whole line fits, but not with "…" after it
    assert social_cards.shortened("alpha beta gamma", typeface, width) == "alpha beta…"


def test_only_a_word_wider_than_a_line_is_cut():
    size, lines = social_cards.headline_layout("Short " + "x" * 200)
    assert lines[0] == "Short" and lines[1].startswith("xxx") and lines[1].endswith("…")
    assert social_cards.font(social_cards.BOLD, size).getlength(lines[1]) <= social_cards.TEXT_WIDTH


@pytest.mark.parametrize(
    ("title", "drawn"),
    [
        ("“Quotes” & dashes — in a title…", "“Quotes” & dashes — in a title…"),
        ("Привет, Ελλάδα, Tiếng Việt", "Привет, Ελλάδα, Tiếng Việt"),
        ("🎉 Emoji 👩‍💻 and words", "Emoji and words"),  # symbols the font lacks are left out
        ("서울의 봄", ""),  # letters it lacks: no title at all
        ("Spring in 서울", ""),
        ("مرحبا بالعالم", ""),
    ],
)
def test_only_what_the_font_can_draw_is_drawn(title, drawn):
    assert social_cards.drawable(title) == drawn


# The cache --------------------------------------------------------------------------------------


def build_cards(content, cache):
    output = content.parent / "output"
    return build_site(
        output, "publishconf.py", SITEURL=PUBLISH_SITEURL, PATH=str(content), CACHE_PATH=str(cache)
    )


def write_posts(content, titles):
    content.mkdir(exist_ok=True)
    for number, title in enumerate(titles):
        (content / f"post-{number}.md").write_text(POST.format(title=title, slug=f"post-{number}", extra=""))


def test_a_warm_build_draws_only_the_cards_that_changed(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    write_posts(content, ["One", "Two", "Three"])
    build_cards(content, cache)
    assert len(social_cards.last_drawn) == 4  # three posts and the site
    first = {path.name for path in (tmp_path / "output" / "cards").iterdir()}
    build_cards(content, cache)
    assert social_cards.last_drawn == []
    assert {path.name for path in (tmp_path / "output" / "cards").iterdir()} == first
    write_posts(content, ["One", "Two, retitled", "Three"])
    build_cards(content, cache)
    assert len(social_cards.last_drawn) == 1
    # A changed card has a new name, which link previews fetch afresh.
    assert len({path.name for path in (tmp_path / "output" / "cards").iterdir()} - first) == 1


def test_a_card_is_drawn_again_when_the_theme_colours_change(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    write_posts(content, ["One"])
    build_cards(content, cache)
    theme = shutil.copytree(ROOT / "theme", tmp_path / "theme")
    css = theme / "static" / "css" / "main.css"
    css.write_text(css.read_text(encoding="utf-8").replace("#fdfcfa", "#ffffff", 1), encoding="utf-8")
    build_site(
        tmp_path / "output",
        "publishconf.py",
        SITEURL=PUBLISH_SITEURL,
        PATH=str(content),
        CACHE_PATH=str(cache),
        THEME=str(theme),
    )
    assert len(social_cards.last_drawn) == 2


# Problems ---------------------------------------------------------------------------------------


def post_with_picture(tmp_path, extra):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    shutil.copy(
        ROOT / "tests" / "sites" / "consumers" / "content" / "images" / "cover.png", content / "images"
    )
    (content / "post.md").write_text(POST.format(title="A post", slug="a-post", extra=extra))
    return content


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("Image: {static}/images/cover.png", "has Image: {static}/images/cover.png without Image_alt"),
        ("Cover: images/cover.png", "has Cover: images/cover.png without Cover_alt"),
        ("Image: {static}/images/missing.png\nImage_alt: a kite", "which is not a file of the site"),
        (
            "og_image: /images/missing.png\nog_image_alt: a kite",
            "has og_image: /images/missing.png, which is not",
        ),
    ],
)
def test_a_picture_without_alt_text_or_file_is_a_problem_of_every_build(
    tmp_path, settings_file, extra, message
):
    # The local build finds what the published one would: the author never meets it first when publishing.
    content = post_with_picture(tmp_path, extra)
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", settings_file, SITEURL=PUBLISH_SITEURL, PATH=str(content))
    assert [problem.line for problem in problems.last_report if message in problem.message] == [4]


@pytest.mark.parametrize(
    "field",
    [
        "Image: {static}/images/cover.png",  # as this project writes it
        "Cover: images/cover.png",  # as other themes read it: a path of the published site
        "og_image: /images/cover.png",
        "featured_image: {attach}images/cover.png",
    ],
)
def test_every_way_themes_name_a_post_picture_is_the_post_picture(tmp_path, field):
    name = field.split(":")[0]
    content = post_with_picture(tmp_path, f"{field}\n{name}_alt: A white ring")
    built = build_cards(content, tmp_path / "cache")
    page = built.page("/posts/a-post/")
    image = page.find("meta", property="og:image")["content"]
    assert image.endswith("/images/cover.png") and built.path_for_url(image).is_file()
    assert page.find("meta", property="og:image:alt")["content"] == "A white ring"


SAMPLE_CARDS = {
    "short-title": "First steps",
    "long-title": "How two neighbours signed an intelligence pact, and why one of them later moved to leave it",
    "non-ascii-title": "Über Brücken: Грамматика, Ελληνικά and Ærøskøbing\u2019s ferries",
}


@pytest.mark.parametrize("name", SAMPLE_CARDS)
def test_sample_cards_are_written_for_a_person_to_look_at(name):
    # test-artifacts/cards/ (git-ignored) holds them after each run, beside the browser's screenshots.
    colours = social_cards.theme_colours(ROOT / "theme")
    png = social_cards.draw(social_cards.Card("Our Blog", SAMPLE_CARDS[name], "23 August 2019"), colours)
    folder = ROOT / "test-artifacts" / "cards"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.png").write_bytes(png)
    with Image.open(BytesIO(png)) as card:
        assert card.size == (1200, 630) and len(png) <= 100 * 1024
    assert social_cards.drawable(SAMPLE_CARDS[name]) == SAMPLE_CARDS[name]  # every letter in the font
