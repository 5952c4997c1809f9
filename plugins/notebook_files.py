"""The files a notebook's images become (plots, attachments): kept when it is read, written with the site.

An output image is stored in the notebook as base64 (SVG as text); `image_bytes()` decodes it and
`image_size()` says how large the page shows it.

A notebook is read before anything is written, often in another process (plugins/parallel_reading.py),
and a warm build takes its post from Pelican's content cache without reading it at all. So every image
is kept, when the notebook is read, in a folder beside Pelican's cache, CACHE_PATH/notebook-files,
under a name made of a hash of its bytes; the page refers to it at its place in the site,
SITEURL's path + "/" + NOTEBOOK_FILES_PATH + "/" + name. When a page showing a post or page is written
(`content_written`), the files its HTML refers to are noted; this module's generator, which Pelican
runs after the articles' and pages' generators, copies them into OUTPUT_PATH/NOTEBOOK_FILES_PATH.
So the site gets exactly the files its written pages show, whether their posts were read in this
build or taken from the cache, and a draft the publish build leaves out publishes none of its images.
"""

import base64
import binascii
import hashlib
import io
import os
import re
import shutil
import tempfile
from urllib.parse import urlsplit

from PIL import Image

from plugins import notebook_text, problems

DEFAULT_FILES_PATH = "notebooks/files"
KEPT_FOLDER = "notebook-files"  # inside CACHE_PATH
NAME_LENGTH = 20  # hex digits of the SHA-256 of the bytes: 80 bits, no two outputs ever share one
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}

# The files the pages written in this build refer to: name -> the source file of the first page, for
# the problem if it cannot be written. Emptied when Pelican makes this build's generator.
needed_files = {}


def image_bytes(value, media_type):
    """The bytes of an image output: SVG is stored as text, the others in base64; None if unreadable."""
    text = notebook_text.joined(value)
    if media_type == "image/svg+xml":
        return text.encode("utf-8") if text.strip() else None
    try:
        return base64.b64decode("".join(text.split()), validate=True) or None
    except (binascii.Error, ValueError):
        return None


SVG_ROOT = re.compile(rb"<svg\b[^>]*>")
SVG_SIDE = re.compile(r'\b(width|height)\s*=\s*["\']\s*([\d.]+)\s*(px|pt)?\s*["\']')


def image_size(data, media_type, stored):
    """(width, height) in CSS pixels: as the notebook stored them (a high-resolution plot says its
    size), else the image's own; None for an SVG without a size in px or pt."""
    if stored.get("width") and stored.get("height"):
        return round(float(stored["width"])), round(float(stored["height"]))
    if media_type == "image/svg+xml":
        return svg_size(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except OSError:
        return None
    if stored.get("width"):  # one side stored: the other follows the image's shape
        return round(float(stored["width"])), round(float(stored["width"]) * height / width)
    return width, height


def svg_size(data):
    """The width and height on an SVG's root element, in px (Matplotlib writes them in pt)."""
    root = SVG_ROOT.search(data)
    sides = {}
    for side, number, unit in SVG_SIDE.findall(root.group().decode("utf-8", "replace") if root else ""):
        sides[side] = round(float(number) * (4 / 3 if unit == "pt" else 1))
    return (sides["width"], sides["height"]) if len(sides) == 2 else None


def files_path(settings):
    return settings.get("NOTEBOOK_FILES_PATH", DEFAULT_FILES_PATH).strip("/")


def files_url(settings):
    """Where the files are on the site, root-relative: "/notebooks/files", or "/blog/notebooks/files"."""
    site_path = urlsplit(settings.get("SITEURL", "")).path.rstrip("/")
    return f"{site_path}/{files_path(settings)}"


def kept_folder(settings):
    return os.path.join(settings["CACHE_PATH"], KEPT_FOLDER)


def keep(data, media_type, settings):
    """Keep the bytes of an output until the site is written; return the URL the page refers to them by."""
    name = hashlib.sha256(data).hexdigest()[:NAME_LENGTH] + EXTENSIONS[media_type]
    folder = kept_folder(settings)
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        write_atomically(path, data)
    return f"{files_url(settings)}/{name}"


def write_atomically(path, data):
    """Two builds may share the cache: a file is either absent or whole, never half written."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as part:
            part.write(data)
        os.replace(temporary, path)
    except OSError:
        os.unlink(temporary)
        # On Windows, replacing a file another build is reading fails; that file already holds these bytes.
        if not os.path.exists(path):
            raise


def file_names(html, settings):
    """The names of the kept files an HTML text refers to."""
    if files_path(settings) not in html:  # most pages hold no notebook: one quick look is enough
        return set()
    pattern = re.escape(f"/{files_path(settings)}/") + rf"([0-9a-f]{{{NAME_LENGTH}}}\.[a-z]+)"
    return set(re.findall(pattern, html))


def note_files_of_page(path, context):
    """`content_written`: a page showing a post or page needs the files its HTML refers to."""
    for kind in ("article", "page"):
        content = context.get(kind)
        if content is None or not hasattr(content, "content"):
            continue
        for name in file_names(content.content, content.settings):
            needed_files.setdefault(name, content.source_path)


def write_files(names_and_sources, settings, output_path):
    """Copy each kept file into the output; one no longer kept is a problem of the file that needs it."""
    folder = kept_folder(settings)
    destination = os.path.join(output_path, files_path(settings))
    for name, source_path in sorted(names_and_sources.items()):
        target = os.path.join(destination, name)
        if os.path.exists(target):  # the name is the hash of the bytes: the same name, the same file
            continue
        kept = os.path.join(folder, name)
        if not os.path.exists(kept):
            problems.report(
                source_path,
                f"shows the notebook output {name}, which is no longer in {problems.shown(folder)}: "
                f"delete {problems.shown(settings['CACHE_PATH'])} and build again, "
                "so the notebook is read again.",
            )
            continue
        os.makedirs(destination, exist_ok=True)
        shutil.copyfile(kept, target)


class NotebookFilesGenerator:
    """Pelican's generator for the notebooks' files: it writes, after the pages, the files they showed.

    Pelican makes it as it makes its own generators, with the same arguments. It subclasses nothing:
    pelican.generators.Generator's constructor sets up readers (sending `readers_init` again) and a
    template environment, and this generator reads and renders nothing."""

    def __init__(self, context, settings, path, theme, output_path, **_):
        self.settings = settings
        self.output_path = output_path
        needed_files.clear()  # a new build: the pages it writes say what it needs

    def generate_output(self, writer):
        write_files(needed_files, self.settings, self.output_path)


def get_generators(pelican):
    return NotebookFilesGenerator
