"""How a source file becomes a post or page: the one reading pipeline.

Pelican reads Markdown and reStructuredText with the two readers below, registered for their file
extensions when it sets up its readers (`readers_init`), in place of its own, which they extend: Pelican's
own `read()` does the reading, with the site's changes made inside Python-Markdown
(plugins/markdown_extension.py) and inside docutils (plugins/rest_translator.py), typography included.
Around it, for every file:

- a file that is not UTF-8 is a problem, named with its line;
- an empty field (`Tags:` with nothing after it) is no field; a Date that is not a date is a problem,
  and the post is dated by its file so the build goes on;
- what later stages need is kept with the post's metadata, so Pelican's content cache keeps it too: its
  word count, its description (the plain text search results and link previews show), its table of
  contents when it asks for one (`Toc: true`), and the problems reading found, which a build that takes
  the post from the cache reports again: a warm build fails where a clean one would.

When the post object is made (`content_object_init`), its metadata is checked (a Title, a Date for a
post, a known Status), its title and subtitle become the plain text every template, feed and card uses
(entities decoded, markup typed into them shown as typed, typography set), and the fields other themes
gave the same meaning are read as ours: `Headline:` is the subtitle; `Cover:`, `og_image:`,
`featured_image:`… the post's picture.
"""

import os
import re
from datetime import datetime
from html import escape, unescape

import docutils.utils
from markdown import Markdown
from pelican import readers, signals
from pelican.contents import Article, Page
from pelican.utils import set_date_tzinfo, slugify

from plugins import notebooks, post_html, problems
from plugins.liquid_tags import LiquidTags
from plugins.markdown_extension import FocusableCode, SiteChanges
from plugins.mathml import MathML
from plugins.reading_time import count_words, minutes_to_read
from plugins.rest_translator import DOCUTILS_KEY, FieldBodyTranslator, HTMLWriter
from plugins.typography import RunningText, typeset_line

FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
# A description is read in search results and link previews, which show about this much.
DESCRIPTION_LENGTH = 160
ASKING = {"true", "yes", "on", "1"}
# Fields Pelican gives a meaning when empty: `Save_as:` with nothing writes no page for the post.
KEPT_EMPTY = {"save_as", "url"}
# Fields other themes and plugins read, and the field of ours with the same meaning.
SUBTITLE_FIELDS = ("subtitle", "headline")
PICTURE_FIELDS = ("image", "cover", "og_image", "featured_image", "header_cover", "banner", "thumbnail")


class FileBeingRead:
    """The file a reader is reading now, and what its conversion found, for the site's changes."""

    def __init__(self, settings):
        self.settings = settings
        self.path = ""
        self.table_of_contents = ""

    def start(self, path):
        self.path = path
        self.table_of_contents = ""

    def end(self):
        self.path = ""  # between files, as Pelican reads a file name's metadata


def check_utf8(path):
    """A file that is not UTF-8 is a problem, with the line of its first bad byte."""
    with open(path, "rb") as source:
        data = source.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.report(
            path, f"is not UTF-8 (byte {data[error.start]:#04x} on line {line}): save it as UTF-8.", line=line
        )


class SiteReading:
    """What both readers add around Pelican's reading of a file (see the module's docstring)."""

    def read(self, source_path):
        self.file.start(source_path)
        reported_before = set(problems.problems_of(source_path))
        try:
            check_utf8(source_path)
            content, metadata = super().read(source_path)
        finally:
            self.file.end()
        found = set(problems.problems_of(source_path)) - reported_before
        return content, kept_with_the_post(content, metadata, self.file, found)

    def process_metadata(self, name, value):
        if isinstance(value, str) and not value.strip() and name not in KEPT_EMPTY:
            return None  # an empty field is no field: kept_with_the_post() drops it
        try:
            return super().process_metadata(name, value)
        except ValueError:
            if name not in ("date", "modified") or not self.file.path:  # a file name's date, say
                raise
            problems.report(
                self.file.path,
                f'has a {name.title()}, "{value}", that is not a date: write YYYY-MM-DD HH:MM.',
                near=str(value),
            )
            # The post is still read, dated by its file, so the build goes on to find any other problem.
            return datetime.fromtimestamp(os.path.getmtime(self.file.path)) if name == "date" else None


def kept_with_the_post(content, metadata, file, found):
    """The metadata, with what later stages need and the content cache must keep."""
    metadata = {name: value for name, value in metadata.items() if value is not None}
    if str(metadata.get("toc", "")).lower() in ASKING and "<li>" in file.table_of_contents:
        metadata["table_of_contents"] = file.table_of_contents
    words = count_words(post_html.without_formulas(content, " formula "))  # a formula reads as one word
    metadata["word_count"], metadata["reading_minutes"] = words, minutes_to_read(words)
    if "summary" not in metadata and "<math" in (content or ""):
        metadata["summary"] = post_html.summary_keeping_formulas(content, file.settings)
    if "description" not in metadata:
        metadata["description"] = describe(post_html.without_formulas(content), metadata)
    if found:
        metadata["reading_problems"] = sorted(found)
    return metadata


class MarkdownReader(SiteReading, readers.MarkdownReader):
    """Pelican's Markdown reader, with the site's extension beside the settings' own."""

    def __init__(self, settings):
        self.file = FileBeingRead(settings)
        markdown = markdown_options(settings, site_extensions(self.file, settings))
        # Pelican's reader completes the MARKDOWN setting it is given: this reader's own copy.
        super().__init__({**settings, "MARKDOWN": markdown})


def markdown_options(settings, extensions):
    """The MARKDOWN setting, with the project's extensions beside its own, code blocks focusable."""
    markdown = dict(settings["MARKDOWN"])
    configs = {name: dict(config) for name, config in markdown.get("extension_configs", {}).items()}
    for name, config in configs.items():
        if name.endswith("codehilite"):
            config.setdefault("pygments_formatter", FocusableCode)
    markdown["extension_configs"] = configs
    names = [
        *markdown.get("extensions", []),
        *(name for name in configs if name not in markdown.get("extensions", [])),
    ]
    markdown["extensions"] = [*names, *extensions]
    return markdown


def site_extensions(file, settings):
    """The project's own Markdown extensions, made once per reader: what every Markdown file goes through."""
    return [
        SiteChanges(file),
        MathML(file, settings),
        LiquidTags(file, settings, NotebookMarkdown(file, settings)),
    ]


class NotebookMarkdown:
    """The converter of the Markdown cells of a notebook a post embeds ({% notebook %}): as the post's, by a
    Markdown instance of its own (the post's is busy converting the post), made on first use.

    Picklable, without its Markdown instance: a post's tags and category keep the reader's settings, which
    hold the extensions and so this, and Pelican's content cache pickles them."""

    def __init__(self, file, settings):
        self.file = file
        self.settings = settings
        self.markdown = None

    def __call__(self):
        if self.markdown is None:
            cells = FileOfTheEmbeddingPost(self.file)
            self.markdown = Markdown(
                **markdown_options(self.settings, [SiteChanges(cells), MathML(cells, self.settings)])
            )
        return self.convert

    def convert(self, text):
        return self.markdown.reset().convert(text)

    def __getstate__(self):
        return {**vars(self), "markdown": None}


class FileOfTheEmbeddingPost(FileBeingRead):
    """For an embedded notebook's cells: the post being read is the file problems are reported against."""

    def __init__(self, post):
        super().__init__(post.settings)
        self.post = post

    @property
    def path(self):
        return self.post.path

    @path.setter
    def path(self, value):
        pass  # always the post's


class RstReader(SiteReading, readers.RstReader):
    """Pelican's reST reader, writing HTML5 through the site's translator."""

    writer_class = HTMLWriter
    field_body_translator_class = FieldBodyTranslator

    def __init__(self, settings):
        self.file = FileBeingRead(settings)
        docutils_settings = {**settings.get("DOCUTILS_SETTINGS", {}), DOCUTILS_KEY: self.file}
        super().__init__({**settings, "DOCUTILS_SETTINGS": docutils_settings})

    def read(self, source_path):
        try:
            return super().read(source_path)
        except docutils.utils.SystemMessage as error:
            message = " ".join(str(error).split())
            line = re.search(r":(\d+): \(", message)
            problems.report(
                source_path,
                f"is not valid reStructuredText: {message}",
                line=int(line.group(1)) if line else 0,
            )
            raise


class NotebookReader(SiteReading, notebooks.NotebookReader):
    """Jupyter notebooks as posts (plugins/notebooks.py), their Markdown cells through the site's Markdown."""

    def __init__(self, settings):
        super().__init__(settings)
        self.file = FileBeingRead(settings)
        markdown = Markdown(**markdown_options(settings, site_extensions(self.file, settings)))
        self.markdown_to_html = lambda text: markdown.reset().convert(text)


OURS = {readers.MarkdownReader: MarkdownReader, readers.RstReader: RstReader}


def use_our_readers(pelican_readers):
    """Ours in place of Pelican's (a reader another plugin or READERS chose is left alone), and notebooks."""
    for extension, reader_class in pelican_readers.reader_classes.items():
        if reader_class in OURS:
            pelican_readers.reader_classes[extension] = OURS[reader_class]
    if pelican_readers.reader_classes.get("ipynb") in (None, notebooks.NotebookReader):
        pelican_readers.reader_classes["ipynb"] = NotebookReader


# The finished post ----------------------------------------------------------------------------------


def finish_content(content):
    """Check what Pelican made of a file, and give it the plain-text forms of its title and subtitle."""
    if not isinstance(content, Article | Page) or not content.source_path:
        return  # a post another plugin makes in code, of no file: nothing to check it against
    path = content.source_path
    for problem in content.metadata.get("reading_problems", ()):  # read in an earlier build, and cached
        problems.collector.add(problem)
    missing = [field for field in ("title", "date") if lacks(content, field)]
    if missing:
        problems.report(
            path,
            f"has no {' and no '.join(field.title() for field in missing)}: {how_to_add(content, missing)}",
        )
    if "title" in missing:  # named after its file, so the build goes on to find any other problem
        content.title = os.path.splitext(os.path.basename(path))[0]
        if not getattr(content, "slug", ""):
            content.slug = slugify(
                content.title, regex_subs=content.settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
            )
    if "date" in missing:
        content.date = set_date_tzinfo(datetime.fromtimestamp(os.path.getmtime(path)), content.timezone.key)
        content.locale_date = content.date.strftime(content.date_format)
    if content.status not in content.allowed_statuses:
        allowed = ", ".join(status for status in content.allowed_statuses if status != "skip")
        problems.report(
            path,
            f'has an unknown Status, "{content.status}": use one of {allowed}, or leave it out.',
            near="tatus:",
        )
        content.status = "hidden"
    settings = content.settings
    content.title = displayed_title(content.title, content.metadata.get("reader"), settings)
    content.plain_title = post_html.plain_text(content.title)
    subtitle = next((content.metadata[name] for name in SUBTITLE_FIELDS if content.metadata.get(name)), "")
    content.subtitle = typeset_text(" ".join(unescape(str(subtitle)).split()), settings)
    content.picture = next(
        (content.metadata[name] for name in PICTURE_FIELDS if content.metadata.get(name)), ""
    )
    content.picture_alt = next(
        (content.metadata[f"{name}_alt"] for name in PICTURE_FIELDS if content.metadata.get(f"{name}_alt")),
        "",
    )
    if not getattr(content, "description", ""):
        content.description = content.plain_title


def typeset_text(text, settings):
    return typeset_line(text) if settings.get("TYPOGRAPHY", True) else text


def displayed_title(title, reader, settings):
    """A title as pages show it, as HTML: entities decoded, typography set. A Markdown or HTML file's Title
    is text, and markup typed into it is shown as typed; a reST title is HTML docutils made of reST markup."""
    if reader != "rst":
        return escape(typeset_text(unescape(title), settings), quote=False)
    running = RunningText(settings.get("TYPOGRAPHY", True))
    parts = TAG_OR_TEXT.split(title)
    return "".join(
        part if part.startswith("<") else escape(running.typeset(unescape(part))) for part in parts
    )


def lacks(content, field):
    """A title every post and page needs; a date every post but a draft (Pelican dates drafts itself)."""
    if field == "title":
        return not getattr(content, "title", "")
    return isinstance(content, Article) and not hasattr(content, "date") and content.status != "draft"


def how_to_add(content, fields):
    """What to write for a missing Title or Date, in the file's own format."""
    reader = content.metadata.get("reader")
    if reader == "rst":
        ways = {"title": "a title (a heading above the text)", "date": "a :date: field"}
        return f"add {' and '.join(ways[field] for field in fields)}."
    if reader == "notebook":
        return notebooks.missing_metadata_advice(content.source_path, fields)
    if reader != "html":
        lines = " and ".join(f'a "{field.title()}:" line' for field in fields)
        return f"add {lines} to its front matter{' (Date: YYYY-MM-DD HH:MM)' if 'date' in fields else ''}."
    with open(content.source_path, encoding="utf-8", errors="replace") as source:
        if re.search(r"\{%|\{\{", source.read()):
            return (
                "it looks like a Jinja template, which Pelican reads as a post because it ends in .html: "
                "to render it, list it in TEMPLATE_PAGES, and add its folder to ARTICLE_EXCLUDES and PAGE_EXCLUDES."
            )
    return (
        "Pelican reads .html files in the content folder as posts, which need a <title> and a "
        '<meta name="date">. To publish it as it is, add its folder to STATIC_PATHS, ARTICLE_EXCLUDES and PAGE_EXCLUDES.'
    )


def describe(content, metadata):
    """One line for search results and link previews: the Summary, else the Subtitle, else the text's start;
    "" for a post of pictures alone, say (then its title says what it is)."""
    if metadata.get("summary"):  # the author's own words, whole
        return post_html.plain_text(post_html.without_formulas(metadata["summary"]))
    subtitle = next((metadata[name] for name in SUBTITLE_FIELDS if metadata.get(name)), "")
    if subtitle:
        return shortened(" ".join(unescape(str(subtitle)).split()))
    first = FIRST_PARAGRAPH.search(content or "")
    return shortened(post_html.plain_text(first.group(1) if first else "") or post_html.plain_text(content))


def shortened(text):
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def register():
    signals.readers_init.connect(use_our_readers)
    signals.content_object_init.connect(finish_content)
