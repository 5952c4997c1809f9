"""Reject a post or page that breaks Pelican or our conventions, with one sentence naming the file.

Each problem is logged as an error and raised, so a build run with `--fatal warnings` (every task's)
stops at the first one, and `tasks.py` shows its sentence instead of Pelican's traceback.
"""

import logging
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.contents import Article, Page
from pelican.utils import get_date

logger = logging.getLogger(__name__)

# A page (About, Colophon) may go without a Summary: its description falls back to its text.
REQUIRED = {Article: ("title", "date", "summary"), Page: ("title",)}
# Lower case, words of letters or digits in any script joined by single hyphens: "south-korea", "한국".
TAG = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A URL stays readable, and a folder name far below the 255 bytes file systems allow.
MAX_SLUG_LENGTH = 100


class ContentError(Exception):
    """A source file that must not be published as it is."""


def shown(path):
    """The path as the author knows it: relative to the folder the build runs in, where it is inside."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def reject(path, problem):
    message = f"{shown(path)} {problem}"
    logger.error(message)
    raise ContentError(message)


def checked_reader(reader_class):
    """The reader class, reading only UTF-8 files and naming the file whose date it cannot parse."""

    class CheckedReader(reader_class):
        def read(self, source_path):
            try:
                Path(source_path).read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                line = error.object[: error.start].count(b"\n") + 1
                byte = error.object[error.start]
                reject(
                    source_path,
                    f"is not UTF-8 (byte {byte:#04x} on line {line}): save it as UTF-8.",
                )
            self.checked_path = source_path
            return super().read(source_path)

        def process_metadata(self, name, value):
            if name in ("date", "modified"):
                try:
                    get_date(value)
                except ValueError:
                    reject(
                        self.checked_path,
                        f'has a {name.title()}, "{value}", that is not a date: write YYYY-MM-DD HH:MM.',
                    )
            return super().process_metadata(name, value)

    # Pelican names a post's "reader" metadata after its reader class: keep "markdown".
    CheckedReader.__name__ = reader_class.__name__
    return CheckedReader


def check_readers(readers):
    for extension, reader_class in readers.reader_classes.items():
        # "static" is Pelican's name for files it copies as they are, such as images: not text.
        if reader_class and extension != "static":
            readers.reader_classes[extension] = checked_reader(reader_class)


def check_content(content):
    """Front matter, status, slug and internal links of a post or page, as soon as it is read."""
    kind = type(content)
    if kind not in REQUIRED:
        return
    path = content.source_path
    for field in REQUIRED[kind]:
        if not content.metadata.get(field):
            reject(path, f'has no {field.title()}: add a "{field.title()}:" line to its front matter.')
    if content.status not in content.allowed_statuses:
        allowed = ", ".join(status for status in content.allowed_statuses if status != "skip")
        reject(path, f'has an unknown Status, "{content.status}": use one of {allowed}, or leave it out.')
    if not SLUG.fullmatch(content.slug):
        reject(path, f'has a Slug, "{content.slug}", with more than lower-case letters, digits and hyphens.')
    if len(content.slug) > MAX_SLUG_LENGTH:
        reject(
            path, f"has a slug of {len(content.slug)} characters: write a Slug of at most {MAX_SLUG_LENGTH}."
        )
    for tag in content.metadata.get("tags", []):
        if str(tag) != str(tag).lower() or not TAG.fullmatch(str(tag)):
            reject(
                path,
                f'has a tag, "{tag}", that is not lower-case words joined by hyphens, like "south-korea".',
            )
    check_images_have_alt_text(content)
    check_slug_is_unique(content)
    check_internal_links(content)


class ImagesWithoutAlt(HTMLParser):
    """The src of each <img> in an HTML text whose alt text is missing or blank."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.found.append(attributes.get("src", ""))

    handle_startendtag = handle_starttag


def check_images_have_alt_text(content):
    if "<img" not in (content._content or ""):
        return  # most posts: no need to parse them
    for src in ImagesWithoutAlt(content._content).found:
        reject(
            content.source_path,
            f"has an image, {src}, without alt text: describe what it shows, as in ![a kite over a field]({src}).",
        )


# (kind, slug, language) -> source path of each post and page read by the current build.
slugs_taken = {}


def forget_slugs(pelican):
    slugs_taken.clear()


def check_slug_is_unique(content):
    key = (type(content), content.slug, content.lang)
    other = slugs_taken.setdefault(key, content.source_path)
    if other != content.source_path:
        reject(
            content.source_path,
            f'has the slug "{content.slug}" of {shown(other)}: give one of them another Slug.',
        )


def check_internal_links(content):
    """Every {filename}, {static} or {attach} link must name a file in the content folder."""
    root = content.settings["PATH"]
    for match in content._get_intrasite_link_regex().finditer(content._content or ""):
        if match.group("what") not in ("filename", "static", "attach"):
            continue
        target = unquote(urlsplit(match.group("value")).path)
        if target.startswith("/"):
            target_path = os.path.join(root, target.lstrip("/"))
        else:
            target_path = os.path.join(os.path.dirname(content.source_path), target)
        if not os.path.isfile(target_path):
            written = "{" + match.group("what") + "}" + target
            missing = shown(os.path.normpath(target_path))
            reject(content.source_path, f"links to {written}, but {missing} does not exist.")


def fail_if_a_file_was_skipped(generators):
    """Without `--fatal`, Pelican logs a bad file and builds the site without it: plain
    `pelican content` must not end in a site that quietly lacks a post either."""
    generated = generators[0].context["generated_content"]
    skipped = sorted(path for path, content in generated.items() if content is None)
    if skipped:
        named = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
        raise ContentError(f"{named} could not be built: see the errors above.")


def register():
    signals.initialized.connect(forget_slugs)
    signals.readers_init.connect(check_readers)
    signals.content_object_init.connect(check_content)
    signals.all_generators_finalized.connect(fail_if_a_file_was_skipped)
