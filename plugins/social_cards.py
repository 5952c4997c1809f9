"""A picture for each post's link previews (Open Graph, Twitter, JSON-LD), drawn when the site is built.

A card is a 1200 by 630 PNG in the theme's colours (read from the tokens of theme/static/css/main.css)
with the post's title, the site's name and the post's date, in Open Sans (the `ttf-opensans`
package, Apache 2.0; the theme's own type is the reader's system font, which a build cannot use).
The site has a card of its own, with its name and address, for the home page and every other page.

- A long title is wrapped at spaces; if it does not fit in four lines, the type shrinks, and at the
  smallest size the last line ends with an ellipsis after a whole word. Only a single word wider than
  a whole line is cut inside.
- A title in a script the font lacks (Korean, Arabic, Japanese…) is not drawn: Pillow has no fallback
  font, and boxes in place of letters would be worse than none. Such a post's card shows the site's
  name and the date, and its alt text says just that; the title is in og:title beside it. Symbols the
  font lacks, such as emoji, are left out of a title that is otherwise drawn.
- A post's own picture wins: `Image: {static}/images/cover.png` (a file the site copies, its size read
  from it) or a full https:// URL, described by `Image_alt:`. A post with an Image and no Image_alt
  is a problem, as an image in its text without alt text is.
- Cards are named by a hash of everything drawn (texts, colours, font, this file's code), so a
  changed card gets a new address that link previews fetch afresh. Each is drawn once into
  CACHE_PATH/social-cards/ and copied from there by later builds: a warm build draws only the
  cards that changed.

Cards need absolute URLs: only a build with a SITEURL and SOCIAL_CARDS_PATH (publishconf.py sets
both) makes them. They are planned when every generator is done (`all_generators_finalized`), so
templates find `article.social_image` and `SITE_IMAGE`, and written by a generator of this plugin
(`get_generators`) before `finalized`, when the site's links are checked.
"""

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import ttf_opensans
from fontTools.ttLib import TTFont
from pelican import signals
from pelican.generators import ArticlesGenerator, Generator
from PIL import Image, ImageDraw, ImageFont

from plugins import post_html, problems, reading
from plugins.public import written_content

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn and Twitter's large card show uncropped
ACCENT_WIDTH = 24  # a band of the link colour down the left edge
LEFT, RIGHT, TOP, BOTTOM = 96, 80, 72, 72  # margins
TEXT_WIDTH = WIDTH - LEFT - RIGHT
LABEL_SIZE = FOOTER_SIZE = 34
HEADLINE_TOP = 160
HEADLINE_BOTTOM = HEIGHT - BOTTOM - FOOTER_SIZE - 48
HEADLINE_SIZES = (72, 64, 56, 48)  # tried in turn until the headline fits
LINE_HEIGHT = 1.2
ELLIPSIS = "…"
# Antialiased text on one background needs few colours: the background, and this many steps from it
# to each colour drawn on it. So small a palette keeps a card near 20 KB, its colours exactly the theme's;
# PNG's own optimisation, three times slower for 4% less, is left off.
PALETTE_STEPS = 10
BOLD = ttf_opensans.OPENSANS_BOLD.path
REGULAR = ttf_opensans.OPENSANS_REGULAR.path
# The stylesheet's tokens a card is painted with: the light scheme, the first :root block.
COLOUR_TOKENS = ("color-background", "color-text", "color-text-muted", "color-link")
CACHE_FOLDER = "social-cards"

# The keys of the cards the last build drew, rather than copied from the cache (for tests and bench/).
last_drawn = []


@dataclass(frozen=True)
class SocialImage:
    """What a page says about its picture: og:image and its size and alt text, and the JSON-LD image."""

    url: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class Card:
    """What a card shows: a label above (the site's name), a headline, and a footer (date or address)."""

    label: str
    headline: str
    footer: str

    @property
    def alt(self):
        return ", ".join(text for text in (self.headline, self.label, self.footer) if text)


# Drawing ----------------------------------------------------------------------------------------


@functools.cache
def font(path, size):
    # The basic layout engine: kerning from the font, the same with or without libraqm on the machine.
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def characters_of(path):
    """The code points a font has glyphs for."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@functools.cache
def digest_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def theme_colours(theme):
    """{token: "#rrggbb"} of the light scheme, from the stylesheet's first :root block."""
    css = (Path(theme) / "static" / "css" / "main.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.DOTALL).group(1)
    tokens = dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;", root))
    return {name: tokens[name] for name in COLOUR_TOKENS}


def drawable(text):
    """The text as the font can draw it; "" when it lacks a letter, digit or mark of it.

    Symbols the font lacks (emoji, their joiners and variation selectors) are left out."""
    characters = characters_of(BOLD)
    kept = []
    for character in unicodedata.normalize("NFC", text):
        if character.isspace():
            kept.append(" ")
        elif ord(character) in characters:
            kept.append(character)
        elif unicodedata.category(character)[0] in "LMN":
            return ""
    return " ".join("".join(kept).split())


def wrap(words, typeface, width):
    """Lines of whole words, each at most `width` wide, but for a single word wider than that."""
    lines = []
    for word in words:
        if lines and typeface.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def lines_that_fit(size):
    return int((HEADLINE_BOTTOM - HEADLINE_TOP) // (size * LINE_HEIGHT))


def shortened(text, typeface, width):
    """Text that ends in an ellipsis and fits `width`: whole words dropped from its end, or, for one
    word alone, characters."""
    words = text.split(" ")
    while len(words) > 1 and typeface.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    line = " ".join(words)
    while line and typeface.getlength(line + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip(" ,;:") + ELLIPSIS


def one_line(text, typeface):
    """The text, cut short if it is wider than a line (a very long site name)."""
    return text if typeface.getlength(text) <= TEXT_WIDTH else shortened(text, typeface, TEXT_WIDTH)


def headline_layout(text):
    """(size, lines) for a headline: the largest size at which it fits, else the smallest, cut short."""
    words = text.split()
    for size in HEADLINE_SIZES:
        typeface = font(BOLD, size)
        lines = wrap(words, typeface, TEXT_WIDTH)
        fits = all(typeface.getlength(line) <= TEXT_WIDTH for line in lines)
        if fits and len(lines) <= lines_that_fit(size):
            return size, lines
    # Still too long at the smallest size: a word wider than a line is cut, and the last line that
    # fits ends in an ellipsis, after a whole word, when more follows.
    kept = [
        line if typeface.getlength(line) <= TEXT_WIDTH else shortened(line, typeface, TEXT_WIDTH)
        for line in lines
    ]
    if len(kept) > lines_that_fit(size):
        kept = kept[: lines_that_fit(size)]
        kept[-1] = shortened(kept[-1], typeface, TEXT_WIDTH)
    return size, kept


def draw(card, colours):
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), colours["color-background"])
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, ACCENT_WIDTH - 1, HEIGHT), fill=colours["color-link"])
    label_font = font(BOLD, LABEL_SIZE)
    pen.text((LEFT, TOP), one_line(card.label, label_font), font=label_font, fill=colours["color-link"])
    size, lines = headline_layout(card.headline)
    for number, line in enumerate(lines):
        top = HEADLINE_TOP + number * size * LINE_HEIGHT
        pen.text((LEFT, top), line, font=font(BOLD, size), fill=colours["color-text"])
    footer_font = font(REGULAR, FOOTER_SIZE)
    footer = one_line(card.footer, footer_font)
    pen.text((LEFT, HEIGHT - BOTTOM), footer, font=footer_font, fill=colours["color-text-muted"], anchor="ls")
    png = BytesIO()
    image.quantize(palette=theme_palette(colours), dither=Image.Dither.NONE).save(png, "PNG", optimize=False)
    return png.getvalue()


def theme_palette(colours):
    """A palette image: the background, then even steps from it to the text, muted and link colours."""
    background = rgb(colours["color-background"])
    entries = [background]
    for name in ("color-text", "color-text-muted", "color-link"):
        colour = rgb(colours[name])
        for step in range(1, PALETTE_STEPS + 1):
            entries.append(
                tuple(
                    round(b + (c - b) * step / PALETTE_STEPS) for b, c in zip(background, colour, strict=True)
                )
            )
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for entry in entries for value in entry])
    return palette


def rgb(hex_colour):
    """(r, g, b) of "#rrggbb" or "#rgb"."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))


def card_key(card, colours):
    """A hash of everything that decides how a card looks: its texts, the colours, the fonts, this code."""
    drawn_by = [digest_of(BOLD), digest_of(REGULAR), digest_of(__file__)]
    what = json.dumps([asdict(card), colours, drawn_by], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(what.encode("utf-8")).hexdigest()[:20]


# Planning: which picture each page names ----------------------------------------------------------


def post_card(post, settings):
    title = drawable(post.plain_title)
    label = drawable(settings["SITENAME"])
    if not title:  # a script the font lacks: the site's name takes the title's place
        return Card("", label, post.locale_date)
    return Card(label, title, post.locale_date)


def site_card(settings):
    address = urlsplit(settings["SITEURL"])
    return Card("", drawable(settings["SITENAME"]), f"{address.netloc}{address.path}".rstrip("/"))


def own_image(post, settings, static_files):
    """The post's own picture (`Image:`, or `Cover:`… as plugins/reading.py reads them), or None: it has
    none, or the one it names is a problem, reported in every build."""
    value, alt = str(post.picture or "").strip(), str(post.picture_alt or "").strip()
    if not value:
        return None
    field = picture_field(post)
    if not alt:
        problems.report(
            post.source_path,
            f"has {field}: {value} without {field}_alt: describe what the picture shows, "
            f"as in {field}_alt: a kite over a field.",
            near=value,
            note=not settings.get("REQUIRE_ALT_TEXT"),
            counted_as=post_html.WITHOUT_ALT_TEXT,
        )
    if value.startswith(("https://", "http://")):
        return SocialImage(value, None, None, alt)  # its size is not known without fetching it
    static = site_file(value, post, settings, static_files)
    if static is None:
        problems.report(
            post.source_path,
            f"has {field}: {value}, which is not a file of the site: name an image the site copies "
            f"(in STATIC_PATHS: {', '.join(settings['STATIC_PATHS'])}), as in {field}: {{static}}/images/cover.png.",
            near=value,
        )
        return None
    with Image.open(static.source_path) as picture:
        width, height = picture.size
    return SocialImage(f"{settings['SITEURL']}/{static.url}", width, height, alt)


def picture_field(post):
    """The field a post names its picture with: "Image", "Cover", "og_image"…"""
    name = next((name for name in reading.PICTURE_FIELDS if post.metadata.get(name)), "image")
    return name if "_" in name else name.capitalize()


def site_file(value, post, settings, static_files):
    """The static file (Pelican's) a picture field names: `{static}/images/a.png`, a file beside the
    post or in the content folder, or, as other themes read the field, a path of the published site."""
    file = post_html.image_file(value, post.source_path, settings)
    if file:
        relative = os.path.relpath(file, settings["PATH"]).replace(os.sep, "/")
        if relative in static_files:
            return static_files[relative]
    address = value.split("?")[0].split("#")[0].lstrip("/")
    return next((static for static in static_files.values() if getattr(static, "url", None) == address), None)


class SocialCardsGenerator(Generator):
    """Draws the cards the build's pages name, or copies them from the cache, into SOCIAL_CARDS_PATH."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cards = {}  # key -> (Card, colours), once plan() has chosen them

    def plan(self, generators):
        """Give each post its picture (`social_image`) and the templates the site's (`SITE_IMAGE`)."""
        settings = self.settings
        colours = theme_colours(settings["THEME"])
        self.cards = {}
        self.context["SITE_IMAGE"] = self.add(site_card(settings), colours)
        for generator, item in written_content(generators):
            if not isinstance(generator, ArticlesGenerator):
                continue  # a page shows the site's card
            item.social_image = item.own_picture or self.add(post_card(item, settings), colours)

    def add(self, card, colours):
        key = card_key(card, colours)
        self.cards[key] = (card, colours)
        folder = self.settings["SOCIAL_CARDS_PATH"].strip("/")
        return SocialImage(f"{self.settings['SITEURL']}/{folder}/{key}.png", WIDTH, HEIGHT, card.alt)

    def generate_output(self, writer):
        cache = Path(self.settings["CACHE_PATH"]) / CACHE_FOLDER
        output = Path(self.output_path) / self.settings["SOCIAL_CARDS_PATH"].strip("/")
        cache.mkdir(parents=True, exist_ok=True)
        output.mkdir(parents=True, exist_ok=True)
        for key, (card, colours) in sorted(self.cards.items()):
            cached = cache / f"{key}.png"
            if not cached.is_file():
                write_atomically(cached, draw(card, colours))
                last_drawn.append(key)
            shutil.copyfile(cached, output / f"{key}.png")


def write_atomically(path, data):
    """Write a whole file or none: two builds sharing a cache never read half a card."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as temporary:
        temporary.write(data)
    os.replace(temporary.name, path)


def makes_cards(settings):
    return bool(settings.get("SOCIAL_CARDS_PATH") and settings.get("SITEURL"))


def add_generator(pelican):
    return SocialCardsGenerator if makes_cards(pelican.settings) else None


def check_pictures(generators):
    """Every post's own picture is checked in every build: a problem of the local build is one of the
    published site's too."""
    static_files = generators[0].context["static_content"]
    for _, item in written_content(generators):
        item.own_picture = own_image(item, item.settings, static_files)


def plan_cards(generators):
    for generator in generators:
        if isinstance(generator, SocialCardsGenerator):
            generator.plan(generators)


def forget_drawn(pelican):
    last_drawn.clear()


def register():
    signals.initialized.connect(forget_drawn)
    signals.get_generators.connect(add_generator)
    signals.all_generators_finalized.connect(check_pictures)
    signals.all_generators_finalized.connect(plan_cards)
