"""Responsive images: which files a post's image becomes, the <picture> that offers them, and writing them.

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
- The generator of this plugin writes, after the posts and before Pelican copies static files, every
  file the build's pages name: from the cache (plugins/image_encoding.py), else encoded on every
  core. It finds them in the finished posts' HTML, so a post from Pelican's content cache, whose
  images were not planned in this build, still gets its files.
- Privacy: every variant is upright and holds no metadata but its colour profile. The static copy
  of an original with EXIF, GPS, XMP or a comment (the file a `{static}` link names) is replaced,
  once Pelican has copied it (`finalized`), by a clean, upright file at the same address.

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
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from pelican import signals
from pelican.generators import Generator
from PIL import Image

from plugins import image_encoding, problems
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
CACHE_FOLDER = "images"

planned = {}  # file name -> Variant: every file plan_picture() named in this process's current build
clean_copies = {}  # output file -> cached clean copy: Pelican's static copies to replace when it is done


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


# Writing the files -------------------------------------------------------------------------------


class ResponsiveImagesGenerator(Generator):
    """Writes every image file the build's pages name, and plans clean copies of static originals."""

    def generate_output(self, writer):
        del writer  # the files are not pages
        options = image_settings(self.settings)
        if not options.variants_path:
            return
        statics = self.static_images()
        needed = self.named_variants(options)
        copies = self.clean_copies(statics)
        cache = Path(self.settings["CACHE_PATH"]) / CACHE_FOLDER
        failures = image_encoding.encode_all([*needed, *copies.values()], cache).failures
        for path, error in failures.items():
            problems.report(
                path, f"could not be made into smaller files ({error}): save it anew from an image editor."
            )
        output = Path(self.output_path) / options.variants_path
        for variant in needed:
            if variant.source.path not in failures:
                image_encoding.place(cache / variant.name, output / variant.name)
        for save_as, variant in copies.items():
            if variant.source.path not in failures:
                clean_copies[Path(self.output_path) / save_as] = cache / variant.name

    def static_images(self):
        """{output path: SourceImage} of the raster images Pelican copies as they are."""
        extensions = Image.registered_extensions()
        found = {}
        for static in self.context.get("staticfiles", []):
            path = os.path.join(self.path, static.source_path)
            if os.path.splitext(path)[1].lower() in extensions and (source := image_encoding.inspect(path)):
                found[static.save_as] = source
        return found

    def named_variants(self, options):
        """The files that the build's posts and pages name, found in their HTML.

        A post from Pelican's content cache was not read in this build, so nothing planned its files:
        each is found again from its name, which holds its source's file name and a hash of its bytes."""
        named = re.compile(re.escape(options.url("")) + r"([\w.-]+)")
        known = dict(planned)
        found_again = FoundAgain(self.path, options)
        needed = {}
        for item in self.context.get("generated_content", {}).values():
            if item is None:
                continue
            for name in named.findall(f"{item.content} {getattr(item, 'summary', '')}"):
                if name in needed:
                    continue
                needed[name] = known.get(name) or found_again.variant(name)
                if not needed[name]:
                    problems.report(
                        item.source_path,
                        f"shows {options.url(name)}, a size of an image that is no longer there (it changed "
                        "since the post was last read): save the post again, or delete the cache folder.",
                    )
        return [variant for variant in needed.values() if variant]

    def clean_copies(self, statics):
        """{output path: Variant} of the static originals to publish without their metadata, upright."""
        copies = {}
        for save_as, source in statics.items():
            if not (source.has_metadata or source.orientation != 1):
                continue
            if source.animated:
                problems.report(
                    source.path,
                    "is an animated image published with its metadata (EXIF, XMP or a comment): remove "
                    "it with an image editor, or make the animation a video.",
                    note=True,
                )
                continue
            name = image_encoding.variant_name(source, "full", None, None)
            copies[save_as] = Variant(source, "full", None, None, name)
        return copies


class FoundAgain:
    """Variants known by name only, found again among the content folder's images of the same name."""

    NAME = re.compile(r"^(?P<stem>.+)-[0-9a-f]{16}(?:-\d+)?\.\w+$")

    def __init__(self, content_path, options):
        self.content_path = content_path
        self.options = options
        self.by_stem = None  # {file stem as a name holds it: [paths]}, made when first needed
        self.known = {}

    def variant(self, name):
        match = self.NAME.match(name)
        if not match:
            return None
        if self.by_stem is None:
            self.by_stem = images_by_stem(self.content_path)
        for path in self.by_stem.pop(match.group("stem"), []):
            if source := image_encoding.inspect(path):
                self.known.update((variant.name, variant) for variant in every_variant(source, self.options))
        return self.known.get(name)


def images_by_stem(folder):
    """{file stem, as a variant's name holds it: [paths]} of the images in a folder and below."""
    extensions = Image.registered_extensions()
    found = {}
    for parent, _, files in os.walk(folder):
        for file in files:
            if os.path.splitext(file)[1].lower() in extensions:
                found.setdefault(image_encoding.file_stem(file), []).append(os.path.join(parent, file))
    return found


def publish_clean_copies(pelican):
    """Put the clean copies in the place of Pelican's copies of the originals, now that it made them."""
    for destination, cached in clean_copies.items():
        image_encoding.place(cached, destination)
    clean_copies.clear()


def start_build(pelican):
    planned.clear()
    clean_copies.clear()


def add_generator(pelican):
    return ResponsiveImagesGenerator


def register():
    signals.initialized.connect(start_build)
    signals.get_generators.connect(add_generator)
    signals.finalized.connect(publish_clean_copies)
