"""Writing responsive images: every file the build's pages name, and the originals published clean.

plugins/images.py plans each image's files when a post is read; this plugin writes them. Its generator
(`get_generators`) runs after Pelican's generators of posts and pages and before Pelican copies static
files. It reads the file names in the finished posts' HTML, so a post from Pelican's content cache,
whose images were not planned in this build, still gets its files: each is found again by its name,
which holds its source's file name and a hash of its bytes. Files come from the cache
(CACHE_PATH/images), or are encoded there on every core (plugins/image_encoding.py), then copied into
IMAGE_VARIANTS_PATH.

The static copy of an original that holds EXIF, GPS, XMP or a comment (the file a `{static}` link
names) is replaced, once Pelican has made it (`finalized`), by a clean, upright file at the same
address: a new file moved into place, never one written into, for Pelican's copy may be a hard link
to the author's file (STATIC_CREATE_LINKS).
"""

import os
import re
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from PIL import Image

from plugins import image_encoding, images, problems
from plugins.image_encoding import Variant

CACHE_FOLDER = "images"

clean_copies = {}  # output file -> cached clean copy: Pelican's static copies to replace when it is done


class ResponsiveImagesGenerator(Generator):
    """Writes every image file the build's pages name, and plans clean copies of static originals."""

    def generate_output(self, writer):
        del writer  # the files are not pages
        options = images.image_settings(self.settings)
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
        known = dict(images.planned)
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
                self.known.update(
                    (variant.name, variant) for variant in images.every_variant(source, self.options)
                )
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
    images.planned.clear()
    clean_copies.clear()


def add_generator(pelican):
    return ResponsiveImagesGenerator


def register():
    signals.initialized.connect(start_build)
    signals.get_generators.connect(add_generator)
    signals.finalized.connect(publish_clean_copies)
