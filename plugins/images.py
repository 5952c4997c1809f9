"""Responsive images planned: which files a post's image becomes, and the <picture> that offers them.

A phone photo of 4000 by 3000 pixels shown in the theme's column (at most 664 CSS px wide) is sent as
a file of the size the reader's screen needs, in AVIF or WebP where the browser takes them:

- `plan_picture()` is called when a post is read (plugins/reading.py, for each image of Markdown, reST
  or raw HTML). It gives a `Picture`: AVIF and WebP `<source>`s, a fallback `<img>` in the original's
  format, a srcset of a few widths (IMAGE_WIDTHS, never wider than the original) and `sizes` for the
  column. Its files live in IMAGE_VARIANTS_PATH, named by a hash of the source's bytes and of what
  shapes them, so their addresses are root-relative (SITEURL's path first): Pelican resolves
  `{static}` in single-URL attributes only, never in a srcset.
- `loading_attributes()` says how the n-th image of a page loads; `feed_markup()` turns pictures
  into one plain, absolute <img> each, for feed readers, which ignore srcset.

plugins/image_writing.py writes the files the build's pages name, and publishes the originals clean;
plugins/image_encoding.py makes them: upright, with no metadata but their colour profile.

SVG, images on other hosts, files Pillow cannot read, images narrower than the smallest width and
animated images are left as they are (`plan_picture` gives None): an animated GIF made into AVIF or
WebP at four widths would cost a build seconds per frame, and is better made a video by its author.
"""

import math
import os
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from plugins import image_encoding
from plugins.image_encoding import Variant

# Widths that fit the column (see COLUMN_WIDTH): 480 for small screens and lists; 800 for phones at 2x
# (334 to 404 CSS px wide: 669 to 809 pixels) and the column at 1x (664); 1100 for phones at 3x
# (1003 to 1212); 1328 for the column at 2x.
DEFAULT_WIDTHS = (480, 800, 1100, 1328)
# Chosen by eye on 2x crops of photos and a screenshot (bench/images.py reports the bytes): AVIF 40
# smears fine text and texture, 50 keeps them; WebP 75 and JPEG 80 look alike at 1.3 and 2 times its size.
DEFAULT_QUALITY = {"avif": 50, "webp": 75, "jpeg": 80}
DEFAULT_VARIANTS_PATH = "images/sized"
# The column's widest, in CSS px: `main` is max-width 58ch at an 18 px font, 664 px in Chromium with
# DejaVu Sans (the widest "0" of the system fonts: Roboto, Segoe UI and SF give 580 to 650).
COLUMN_WIDTH = 664
# The body's padding on each side, 0.8rem; below the column's width the column is the viewport less both.
BODY_PADDING_PX = 12.8
NARROW_COLUMN = "calc(100vw - 1.6rem)"
# A screen may have up to 3 device pixels to a CSS pixel: no file wider than that is ever chosen.
MOST_PIXELS_PER_CSS_PIXEL = 3
VECTOR_EXTENSIONS = (".svg", ".svgz")
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
CONTENT_LINK = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")
# The fallback <img> is in the original's format, but for formats older browsers cannot show.
FALLBACK_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "GIF": "png", "WEBP": "webp"}
SET_BY_THE_PLAN = ("src", "srcset", "sizes", "width", "height")

planned = {}  # file name -> Variant: every file plan_picture() named in this process's current build


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...]
    quality: dict
    variants_path: str  # in the output folder, without slashes at either end
    url_prefix: str  # SITEURL's path: "" locally, "/blog" for https://example.org/blog
    column_width: int

    def url(self, name):
        return f"{self.url_prefix}/{self.variants_path}/{name}"


def image_settings(settings):
    """The settings of this plugin, with their defaults."""
    return ImageSettings(
        widths=tuple(sorted(set(settings.get("IMAGE_WIDTHS", DEFAULT_WIDTHS)))),
        quality={**DEFAULT_QUALITY, **settings.get("IMAGE_QUALITY", {})},
        variants_path=(settings.get("IMAGE_VARIANTS_PATH", DEFAULT_VARIANTS_PATH) or "").strip("/"),
        url_prefix=urlsplit(settings.get("SITEURL", "")).path.rstrip("/"),
        column_width=int(settings.get("IMAGE_COLUMN_WIDTH", COLUMN_WIDTH)),
    )


# The plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PictureSource:
    """A <source> of a <picture>: the files of one format."""

    type: str  # "image/avif"
    srcset: str  # "/images/sized/a-…-480.avif 480w, …"
    sizes: str


@dataclass(frozen=True)
class Picture:
    """What an image becomes: AVIF and WebP sources, then the <img> every browser can show."""

    sources: tuple[PictureSource, ...]
    img: dict = field(hash=False)  # the fallback <img>'s attributes: src, srcset, sizes, width, height, alt…
    variants: tuple[Variant, ...] = ()  # every file the picture names

    def img_attributes(self, extra_img_attributes=None):
        return {**self.img, **(extra_img_attributes or {})}

    def to_html(self, extra_img_attributes=None):
        """The <picture> markup; `extra_img_attributes` (loading_attributes(), say) go on its <img>."""
        sources = "".join(
            f'<source type="{source.type}" srcset="{escape(source.srcset)}" sizes="{escape(source.sizes)}">'
            for source in self.sources
        )
        img = " ".join(
            f'{name}="{escape(text(value))}"'
            for name, value in self.img_attributes(extra_img_attributes).items()
        )
        return f"<picture>{sources}<img {img}></picture>"

    def to_element(self, extra_img_attributes=None):
        """The same <picture> as an ElementTree element, for a Python-Markdown tree processor."""
        picture = ElementTree.Element("picture")
        for source in self.sources:
            attributes = {"type": source.type, "srcset": source.srcset, "sizes": source.sizes}
            ElementTree.SubElement(picture, "source", attributes)
        img = self.img_attributes(extra_img_attributes)
        ElementTree.SubElement(picture, "img", {name: text(value) for name, value in img.items()})
        return picture


def text(value):
    """An attribute's value as written: an attribute given without one (`<img ismap>`) is ""."""
    return "" if value is None else str(value)


def plan_picture(src, attributes, source_path, settings):
    """The Picture an image of a post becomes, or None to leave the image as it is.

    `src` as the author wrote it ({static}/images/a.jpg, {attach}a.jpg, images/a.jpg from the post's
    folder, /images/a.jpg from the content folder's root); `attributes` the image's others (alt,
    width, height, title…), whose width and height, in pixels, keep their meaning; `source_path`
    the post's file; `settings` the build's."""
    options = image_settings(settings)
    if not options.variants_path or attributes.get("srcset"):  # off, or sized by the author already
        return None
    path = source_file(src, source_path, settings)
    source = image_encoding.inspect(path) if path else None
    if source is None or source.animated or source.width < options.widths[0]:
        return None
    width, height = shown_size(source, attributes)
    shown = min(width, options.column_width)
    files = files_by_format(source, shown, options)
    *modern, fallback = files
    sizes = sizes_for(shown)
    sources = tuple(
        PictureSource(image_encoding.MIME_TYPES[file_format], srcset(files[file_format], options), sizes)
        for file_format in modern
    )
    middle = next((variant for variant in files[fallback] if variant.width >= shown), files[fallback][-1])
    img = {
        "src": options.url(middle.name),
        "alt": attributes.get("alt") or "",
        **{name: value for name, value in attributes.items() if name not in SET_BY_THE_PLAN},
        "width": str(width),
        "height": str(height),
        "srcset": srcset(files[fallback], options),
        "sizes": sizes,
    }
    variants = tuple(variant for variants in files.values() for variant in variants)
    planned.update((variant.name, variant) for variant in variants)
    return Picture(sources, img, variants)


def files_by_format(source, shown, options):
    """{format: [Variant, by width]}: AVIF, WebP, and last the fallback's format (WebP's own, at times)."""
    widths = planned_widths(source.width, shown, options.widths)
    fallback = fallback_format(source)
    formats = [file_format for file_format in ("avif", "webp") if file_format != fallback] + [fallback]
    return {
        file_format: [variant_of(source, file_format, w, options) for w in widths] for file_format in formats
    }


def source_file(src, source_path, settings):
    """The file in the content folder an image's src names, or None (another host, no such file)."""
    marker = CONTENT_LINK.match(src)
    path = src[marker.end() :] if marker else src
    if not marker and REMOTE.match(path):
        return None
    path = unquote(path.split("?")[0].split("#")[0])
    if path.lower().endswith(VECTOR_EXTENSIONS):
        return None
    folder = settings["PATH"] if path.startswith("/") else os.path.dirname(source_path)
    candidate = os.path.join(folder, path.lstrip("/"))
    return candidate if os.path.isfile(candidate) else None


def pixels(value):
    """A size in pixels from "240" or "240px"; None for other units ("50%", "10em") or none."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*", str(value or ""))
    return round(float(match.group(1))) if match and float(match.group(1)) > 0 else None


def shown_size(source, attributes):
    """(width, height) of the <img>: the author's, the other side from the picture's upright aspect."""
    width, height = pixels(attributes.get("width")), pixels(attributes.get("height"))
    if width and height:
        return width, height
    if width:
        return width, round(width * source.height / source.width)
    if height:
        return round(height * source.width / source.height), height
    return source.width, source.height


def sizes_for(shown):
    """The `sizes` of an image `shown` CSS px wide at most, in the column: narrower on a narrow screen."""
    breakpoint_px = math.ceil(shown + 2 * BODY_PADDING_PX)
    return f"(min-width: {breakpoint_px}px) {shown}px, {NARROW_COLUMN}"


def planned_widths(original_width, shown, widths):
    """The widths of an image's files: those narrower than the original, and the original's own when
    it is narrower than the widest; none beyond the first that covers a 3x screen."""
    chosen = [width for width in widths if width < original_width]
    if original_width <= widths[-1]:
        chosen.append(original_width)
    needed = shown * MOST_PIXELS_PER_CSS_PIXEL
    covering = next((index for index, width in enumerate(chosen) if width >= needed), len(chosen) - 1)
    return chosen[: covering + 1]


def fallback_format(source):
    if source.has_alpha:
        return "webp" if source.format == "WEBP" else "png"
    return FALLBACK_FORMATS.get(source.format, "jpeg")


def variant_of(source, file_format, width, options):
    quality = None if file_format == "png" else options.quality[file_format]
    name = image_encoding.variant_name(source, file_format, quality, width)
    return Variant(source, file_format, quality, width, name)


def srcset(variants, options):
    return ", ".join(f"{options.url(variant.name)} {variant.width}w" for variant in variants)


def every_variant(source, options):
    """Every file a picture of `source` may name, whatever size the author gives it."""
    return [
        variant for variants in files_by_format(source, math.inf, options).values() for variant in variants
    ]


# Loading, and feeds ------------------------------------------------------------------------------


def loading_attributes(position):
    """How the image at `position` (0 for a page's first) loads: the first, likely the largest thing
    in view, at once and before others; the rest when scrolled near. Decoding never blocks the page."""
    if position == 0:
        return {"fetchpriority": "high", "loading": "eager", "decoding": "async"}
    return {"loading": "lazy", "decoding": "async"}


PICTURE = re.compile(r"<picture\b[^>]*>(.*?)</picture>", re.DOTALL | re.IGNORECASE)


class FirstImage(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.attributes = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img" and self.attributes is None:
            self.attributes = dict(attrs)


def feed_markup(html, base_url):
    """The HTML with each <picture> made one plain <img>, for feed readers: its mid-size file, at an
    absolute address under `base_url` (SITEURL), its width and height that file's (or the author's)."""

    def plain(match):
        img = FirstImage(match.group(1)).attributes
        if not img or not img.get("src"):
            return match.group(0)
        attributes = {"src": urljoin(base_url.rstrip("/") + "/", img["src"]), "alt": img.get("alt") or ""}
        width, height = pixels(img.get("width")), pixels(img.get("height"))
        file_width = next(
            (int(w) for url, w in re.findall(r"(\S+)\s+(\d+)w", img.get("srcset", "")) if url == img["src"]),
            None,
        )
        if width and height:
            shown = min(width, file_width or width)
            attributes |= {"width": str(shown), "height": str(round(shown * height / width))}
        tag = " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())
        return f"<img {tag}>"

    return PICTURE.sub(plain, html)
