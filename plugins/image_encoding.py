"""The pixels of responsive images: what a source image is, and the files made from it.

plugins/images.py decides which files a page needs (`Variant`s, named by `variant_name`); this module
reads source images (`inspect`), encodes those files into a content-addressed cache (`encode`, on every
core with `encode_all`) and copies them into the output (`place`). Everything it writes is upright
(EXIF orientation applied) and holds no metadata but the colour profile: no EXIF, GPS, camera serial,
XMP or comment reaches a published file.

A file's name holds a hash of the source image's bytes, of what shapes the file (format, quality) and
of this module's code and Pillow's version: a cached file is never stale, so a build that finds it
copies it and encodes nothing. Files are written whole (a temporary file, then
`os.replace`), so two builds may share one cache.
"""

import functools
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import PIL
from PIL import ExifTags, Image, ImageCms, ImageOps, JpegImagePlugin, features

# Pillow's decoders, resizing and encoders release the GIL: two threads encode 1.7 to 2.1 times as
# fast as one on two cores (measured on 1100 px AVIF, WebP and JPEG), with none of a process pool's
# start-up or pickling.
WORKERS = os.cpu_count() or 1
# libavif's own threads would compete with ours; AVIF's speed 7 encodes twice as fast as Pillow's
# default 6 for 3 to 7% more bytes at the same PSNR (speed 9 costs 10 to 20% more).
AVIF_OPTIONS = {"speed": 7, "max_threads": 1}
WEBP_OPTIONS = {"method": 4}
JPEG_OPTIONS = {"optimize": True, "progressive": True}
# A published full-size copy of a format other than JPEG (whose own quantisation is kept) is saved so.
FULL_SIZE_QUALITY = 90
# No one image (all its files) may take longer than this to encode.
ENCODE_TIMEOUT_SECONDS = 300
# A cold build says what it does once encoding has taken this long, then every PROGRESS_EVERY seconds.
PROGRESS_AFTER, PROGRESS_EVERY = 5.0, 10.0
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
# What Pillow keeps in `info` that is not about the author, their camera or their place.
HARMLESS_INFO = {
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "dpi",
    "adobe",
    "adobe_transform",
    "progressive",
    "progression",
    "icc_profile",
    "transparency",
    "gamma",
    "srgb",
    "chromaticity",
    "aspect",
    "interlace",
    "background",
    "duration",
    "loop",
    "version",
    "extension",
    "loop_count",
    "timestamp",
    "mp",  # a multi-picture JPEG's index of its pictures; only the first is ever published
}
# The only JPEG segments a clean file may have: JFIF, the colour profile, Adobe's colour transform.
HARMLESS_SEGMENTS = (("APP0", b"JFIF"), ("APP2", b"ICC_PROFILE"), ("APP2", b"MPF"), ("APP14", b"Adobe"))
KEPT_ON_FULL_SIZE = ("transparency", "dpi", "gamma")

encoded_last_build = []  # the names this process encoded in its last `encode_all` (tests, bench/)


@dataclass(frozen=True)
class SourceImage:
    """A raster image Pillow reads, as a page shows it (width and height after EXIF orientation)."""

    path: str
    digest: str  # of its bytes
    format: str  # Pillow's name: "JPEG", "PNG", "GIF", "WEBP"…
    width: int
    height: int
    orientation: int  # EXIF's, 1 when upright
    animated: bool
    has_alpha: bool
    has_metadata: bool  # EXIF, XMP, a comment or text: anything about the author, camera or place


@dataclass(frozen=True)
class Variant:
    """One file made from a source image: `width` pixels wide, in `format`; or (format "full", width
    None) the source as published at its own address, upright and clean, in its own format."""

    source: SourceImage
    format: str  # "avif", "webp", "jpeg" or "png"
    quality: int | None  # None: lossless, or (full size JPEG) the source's own quantisation
    width: int | None
    name: str

    @property
    def height(self):
        return round(self.width * self.source.height / self.source.width) if self.width else None

    @property
    def mime_type(self):
        return MIME_TYPES[self.format]


@functools.cache
def recipe():
    """A hash of how files are made: this module's code and Pillow's version with its codecs."""
    code = Path(__file__).read_bytes()
    codecs = " ".join(f"{codec}={features.version(codec)}" for codec in ("avif", "webp", "jpg", "zlib"))
    versions = f"Pillow={PIL.__version__} {codecs}".encode()
    return hashlib.sha256(code + versions).hexdigest()[:12]


def variant_name(source, file_format, quality, width):
    """The file's name: the source's name for people, a hash for caches, the width for browsers."""
    shaped_by = f"{source.digest} {file_format} {quality} {recipe()}"
    key = hashlib.sha256(shaped_by.encode()).hexdigest()[:16]
    stem = file_stem(source.path)
    size = f"-{width}" if width else ""
    extension = EXTENSIONS.get(file_format) or Path(source.path).suffix.lstrip(".").lower() or "image"
    return f"{stem}-{key}{size}.{extension}"


def file_stem(path):
    """A file's name without its extension, as a URL may hold it anywhere: letters, digits, - and _."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-")[:40] or "image"


# Reading a source -------------------------------------------------------------------------------


def inspect(path):
    """The SourceImage at `path`, or None for a file Pillow does not read as an image."""
    stat = os.stat(path)
    return inspect_unchanged(os.path.abspath(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def inspect_unchanged(path, size, mtime_ns):
    # Keyed by size and time too: a source changed while the process lives (the live preview) is read anew.
    del size, mtime_ns
    try:
        with Image.open(path) as image:
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
            width, height = image.size
            if orientation in (5, 6, 7, 8):  # turned a quarter: the page shows it the other way round
                width, height = height, width
            return SourceImage(
                path=path,
                digest=file_digest(path),
                format=image.format,
                width=width,
                height=height,
                orientation=orientation,
                # A phone's JPEG may hold a second picture (MPO): only the first is ever shown.
                animated=bool(getattr(image, "is_animated", False)) and image.format != "MPO",
                has_alpha=image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info,
                has_metadata=holds_metadata(image),
            )
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def file_digest(path):
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def holds_metadata(image):
    """Whether an opened image carries anything but pixels, colour profile and layout hints."""
    if any(key not in HARMLESS_INFO for key in image.info):
        return True
    segments = getattr(image, "applist", [])  # JPEG's application segments, as Pillow lists them
    return any(
        not any(marker == known and data.startswith(prefix) for known, prefix in HARMLESS_SEGMENTS)
        for marker, data in segments
    )


# Making the files --------------------------------------------------------------------------------


def upright(image, largest=None):
    """The image turned as EXIF says, in RGB or RGBA, and the ICC profile its pixels are in (or None).

    `largest` (width, height) lets a JPEG decode at a half, quarter or eighth of its size when
    that is still at least as large: four times faster for a phone photo made into 1328 px files."""
    if largest and image.format in ("JPEG", "MPO"):
        turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
        image.draft(image.mode, tuple(reversed(largest)) if turned else largest)
    image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    if image.mode in ("RGB", "RGBA"):
        return image, profile
    if image.mode in ("P", "PA", "1"):  # palette colours are in the profile's RGB space already
        return image.convert("RGBA" if alpha else "RGB"), profile
    if profile and image.mode in ("L", "CMYK"):
        # A grey or CMYK profile cannot describe RGB pixels: convert its colours to sRGB instead.
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGB",
        )
        return converted, None
    return image.convert("RGBA" if alpha else "RGB"), None


def encoded(image, variant, profile):
    """The bytes of `variant`, from an upright RGB(A) image; nothing but the colour profile goes in."""
    if variant.width and variant.width != image.width:
        size = (variant.width, variant.height)
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    image.info = {}  # Pillow would copy a JPEG comment, say, from here into the new file
    options = {"icc_profile": profile} if profile else {}
    if variant.format == "avif":
        options |= AVIF_OPTIONS | {"quality": variant.quality}
    elif variant.format == "webp":
        options |= WEBP_OPTIONS | {"quality": variant.quality}
    elif variant.format == "jpeg":
        image = image.convert("RGB")
        options |= JPEG_OPTIONS | {"quality": variant.quality}
    output = BytesIO()
    image.save(output, variant.format.upper(), **options)
    return output.getvalue()


def full_size_copy(image):
    """The source image's bytes as published at its own address: upright, in its own format, clean."""
    file_format = "JPEG" if image.format == "MPO" else image.format
    options = {}
    if file_format == "JPEG":
        # The source's own quantisation and subsampling: as near lossless as a JPEG re-encoding gets.
        options = {"qtables": image.quantization, "optimize": True}
        if (sampling := JpegImagePlugin.get_sampling(image)) >= 0:
            options["subsampling"] = sampling
    elif file_format in ("WEBP", "AVIF"):
        options = {"quality": FULL_SIZE_QUALITY}
    kept = {key: image.info[key] for key in KEPT_ON_FULL_SIZE if key in image.info}
    profile = image.info.get("icc_profile")
    clean = ImageOps.exif_transpose(image)
    if clean.mode == "CMYK" and file_format != "JPEG":
        clean = clean.convert("RGB")
    clean.info = kept
    output = BytesIO()
    clean.save(output, file_format, **options, **({"icc_profile": profile} if profile else {}))
    return output.getvalue()


def encode(source, variants, cache):
    """Write each of a source's variants into the folder `cache`; the source is decoded once."""
    sized = [variant for variant in variants if variant.width]
    full = [variant for variant in variants if not variant.width]
    with Image.open(source.path) as original:
        for variant in full:
            write_atomically(cache / variant.name, full_size_copy(original))
    if sized:
        largest = max(sized, key=lambda variant: variant.width)
        with Image.open(source.path) as original:
            image, profile = upright(original, (largest.width, largest.height))
            for variant in sized:
                write_atomically(cache / variant.name, encoded(image, variant, profile))
    return [variant.name for variant in variants]


@dataclass
class Encoded:
    """What `encode_all` did: the names of the files it wrote, and {source path: error} of the
    sources Pillow could not decode after all (a truncated file, say)."""

    names: list
    failures: dict


def encode_all(variants, cache):
    """Encode every variant missing from the folder `cache`, on every core.

    Raises RuntimeError naming the images when none finishes within ENCODE_TIMEOUT_SECONDS."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    missing = {}
    for variant in variants:
        if not (cache / variant.name).is_file():
            missing.setdefault(variant.source, {})[variant.name] = variant
    encoded_last_build.clear()
    failures = {}
    if not missing:
        return Encoded([], failures)
    progress = Progress(len(missing), sum(map(len, missing.values())), len(set(variants)))
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="encode-image") as pool:
        pending = {
            pool.submit(encode, source, list(todo.values()), cache): source
            for source, todo in missing.items()
        }
        try:
            while pending:
                done, _ = wait(pending, timeout=ENCODE_TIMEOUT_SECONDS, return_when=FIRST_COMPLETED)
                if not done:
                    late = ", ".join(sorted(os.path.relpath(source.path) for source in pending.values()))
                    raise RuntimeError(
                        f"encoding images took over {ENCODE_TIMEOUT_SECONDS} s without finishing one: {late}"
                    )
                for future in done:
                    source = pending.pop(future)
                    try:
                        encoded_last_build.extend(future.result())
                    except (OSError, SyntaxError, ValueError) as error:
                        failures[source.path] = error
                    progress.advance(len(missing[source]))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    progress.finish()
    return Encoded(list(encoded_last_build), failures)


class Progress:
    """One line on stderr now and then while a long encoding runs; nothing for a quick one."""

    def __init__(self, images, files, needed):
        self.images, self.files, self.needed = images, files, needed
        self.done = 0
        self.started = self.last_said = time.monotonic()
        self.said = False

    def advance(self, files):
        self.done += files
        now = time.monotonic()
        if now - self.started >= PROGRESS_AFTER and (not self.said or now - self.last_said >= PROGRESS_EVERY):
            cached = self.needed - self.files
            print(
                f"encoding {plural(self.images, 'image')}: {self.done} of {self.files} files written, "
                f"{cached} of {self.needed} were cached…",
                file=sys.stderr,
                flush=True,
            )
            self.said, self.last_said = True, now

    def finish(self):
        if self.said:
            seconds = time.monotonic() - self.started
            print(f"encoded {self.files} image files in {seconds:.0f} s.", file=sys.stderr, flush=True)


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# Writing and placing files -----------------------------------------------------------------------


def write_atomically(path, data):
    """Write a whole file or none: another build reading the cache never sees half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".tmp", delete=False) as temporary:
        temporary.write(data)
    os.chmod(temporary.name, 0o644)  # a temporary file is the owner's alone; a published one is everyone's
    os.replace(temporary.name, path)


def place(cached, destination):
    """Copy a cached file to `destination`, replacing the file there: a new file, moved into place.

    A copy, never a hard link into the cache: Pelican copies a static file into the output by writing
    into the file already there, which, were it a link, would change the cache. And the file there
    is never written into: it may be a hard link to the author's own (STATIC_CREATE_LINKS)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    shutil.copyfile(cached, temporary)
    os.replace(temporary, destination)
