"""How a source file becomes a post or page: the one reading pipeline.

Pelican reads Markdown and reStructuredText with the two readers below, registered for their file
extensions when it sets up its readers (`readers_init`), in place of its own. For every file, and
before Pelican's typography runs on what a reader returns:

- the file must be UTF-8: a byte that is not is a problem, named with its line;
- author notes (HTML comments) are removed, so none reaches a page or feed, however it is written;
- a body whose headings start at `#` has them shifted down one level: the page's title is its one <h1>;
- images get their width and height (from the image file; reST's `:width:` as an attribute, never
  `style=`), asynchronous decoding, and lazy loading after a post's first; one without alt text
  is a problem;
- a code block takes keyboard focus, since a long line makes it scroll sideways;
- Title is plain text (markup typed into it is shown, never run); a Summary is Markdown or reST,
  as Pelican renders it; `Toc: true` keeps the table of contents Markdown makes;
- a Date or Modified that is not a date is a problem, reported with its line;
- last, typography (plugins/typography.py), which Pelican would otherwise apply after the reader.

In Markdown these changes are made inside Python-Markdown (a tree processor and the Pygments
formatter), in reST by the HTML translator: all before typography, in whichever process reads the
file (plugins/parallel_reading.py). When the post object is made (`content_object_init`),
its metadata is checked (a Title, a Date for a post, a known Status) and it gets `plain_title` and
`description`, the plain-text forms every template, feed and card uses.

A problem goes to plugins/problems.py and the file is still read as well as it can be, so that one
run finds the problems of every file.
"""

import os
import re
from datetime import datetime
from html import escape, unescape
from html.parser import HTMLParser

import docutils.nodes
import docutils.utils
from docutils.writers import html5_polyglot
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pelican import readers, signals
from pelican.contents import Article, Page
from pelican.utils import set_date_tzinfo, slugify
from PIL import Image
from pygments.formatters import HtmlFormatter

from plugins import parallel_reading, problems, typography

NOTE = re.compile(r"<!--.*?-->", re.DOTALL)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
TAG = re.compile(r"<[^>]*>")
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
# A description is read in search results and link previews, which show about this much.
DESCRIPTION_LENGTH = 160
# Links Pelican resolves against the content folder ({static}/images/a.png, and the older |static|).
CONTENT_LINK = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")
ASKING = {"true", "yes", "on", "1"}


def plain_text(html):
    """The text of an HTML fragment, on one line: tags dropped, entities read."""
    return " ".join(unescape(TAG.sub("", html or "")).split())


def source_text(path):
    """The file's text; a file that is not UTF-8 is a problem, and is read with its bad bytes replaced."""
    with open(path, "rb") as source:
        data = source.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.report(
            path, f"is not UTF-8 (byte {data[error.start]:#04x} on line {line}): save it as UTF-8.", line=line
        )
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


# Images -----------------------------------------------------------------------------------------


def image_file(src, source_path, settings):
    """The file in the content folder an image's src names, or None (an image on another site)."""
    src = unescape(src)
    marker = CONTENT_LINK.match(src)
    path = src[marker.end() :] if marker else src
    if not marker and (re.match(r"^[a-z][a-z0-9+.-]*:", path, re.IGNORECASE) or path.startswith("//")):
        return None
    path = path.split("?")[0].split("#")[0]
    folder = settings["PATH"] if path.startswith("/") else os.path.dirname(source_path)
    candidate = os.path.join(folder, path.lstrip("/"))
    return candidate if os.path.isfile(candidate) else None


def pixels(value):
    """A size in pixels from "240", "240px"; None for sizes in other units ("50%", "10em")."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*", str(value or ""))
    return round(float(match.group(1))) if match else None


def natural_size(src, source_path, settings):
    """(width, height) of the image file in the content folder an image's src names, or None."""
    file = image_file(src, source_path, settings)
    if file:
        try:
            with Image.open(file) as image:
                return image.size
        except OSError:  # not an image Pillow reads
            return None
    return None


def describe_image(attributes, position, source_path, settings, example):
    """An image's attributes, completed in place: its size, how it loads; missing alt text is a problem."""
    src = attributes.get("src", "")
    if not (attributes.get("alt") or "").strip():
        problems.report(
            source_path,
            f"has an image, {src}, without alt text: describe what it shows, as in {example.format(src=src)}.",
            near=src,
        )
    width, height = pixels(attributes.get("width")), pixels(attributes.get("height"))
    if not (width and height):
        natural = natural_size(src, source_path, settings)
        if natural and width:
            height = round(width * natural[1] / natural[0])
        elif natural and height:
            width = round(height * natural[0] / natural[1])
        elif natural:
            width, height = natural
    if width and height:  # else the attributes stay as the author wrote them
        attributes["width"], attributes["height"] = str(width), str(height)
    attributes["decoding"] = "async"
    if position > 0:  # after a post's first image, most likely below the fold
        attributes.setdefault("loading", "lazy")
    return attributes


class RawImages(HTMLParser):
    """The <img> tags of an HTML fragment the author wrote as it is, each rewritten by `describe`."""

    def __init__(self, describe):
        super().__init__(convert_charrefs=True)
        self.describe = describe
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append((self.get_starttag_text(), dict(attrs)))

    handle_startendtag = handle_starttag

    def rewrite(self, html):
        self.feed(html)
        self.close()
        for written, attributes in self.found:
            described = self.describe(attributes)
            tag = (
                "<img "
                + " ".join(f'{name}="{escape(value or "")}"' for name, value in described.items())
                + ">"
            )
            html = html.replace(written, tag, 1)
        return html


# Markdown ---------------------------------------------------------------------------------------


class FocusableCode(HtmlFormatter):
    """Pygments' HTML, but the <pre> takes keyboard focus: a wide block scrolls (WCAG 2.1.1)."""

    def wrap(self, source):
        # The empty span keeps a leading blank line of code, as Pygments' own <pre> does.
        yield 0, '<pre tabindex="0"><span></span>'
        yield from source
        yield 0, "</pre>"


class SiteChangesProcessor(Treeprocessor):
    """Notes out, headings under the title, images described, plain code blocks focusable."""

    def __init__(self, md, source_path, settings):
        super().__init__(md)
        self.source_path = source_path
        self.settings = settings
        self.images_seen = 0

    def run(self, root):
        self.remove_notes(root)
        self.shift_headings(root)
        for image in root.iter("img"):
            self.describe(image.attrib)
        for block in root.iter("pre"):
            block.set("tabindex", "0")
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and "<img" in block:
                stash[index] = RawImages(self.describe).rewrite(block)

    def describe(self, attributes):
        example = "![a kite over a field]({src})"
        described = describe_image(
            dict(attributes), self.images_seen, self.source_path, self.settings, example
        )
        self.images_seen += 1
        attributes.clear()
        attributes.update(described)
        return attributes

    def remove_notes(self, root):
        """HTML comments, kept by Markdown as raw HTML, are taken out; a paragraph they leave empty goes."""
        stash = self.md.htmlStash
        emptied = set()
        for index, block in enumerate(stash.rawHtmlBlocks):
            if isinstance(block, str) and "<!--" in block:
                stash.rawHtmlBlocks[index] = NOTE.sub("", block)
                if not stash.rawHtmlBlocks[index].strip():
                    emptied.add(stash.get_placeholder(index))
        if emptied:
            for parent in root.iter():
                for child in list(parent):
                    if child.tag == "p" and len(child) == 0 and (child.text or "").strip() in emptied:
                        parent.remove(child)

    @staticmethod
    def shift_headings(root):
        headings = [element for element in root.iter() if element.tag in HEADINGS]
        if headings and min(int(heading.tag[1]) for heading in headings) == 1:
            for heading in headings:
                heading.tag = f"h{min(int(heading.tag[1]) + 1, 6)}"


class SiteChanges(Extension):
    def __init__(self, source_path, settings):
        super().__init__()
        self.source_path = source_path
        self.settings = settings

    def extendMarkdown(self, md):
        # After "inline" (20), which makes the images, and "attr_list" (8), which may size them;
        # before "toc" (5), so the table lists the headings at their new level.
        md.treeprocessors.register(
            SiteChangesProcessor(md, self.source_path, self.settings), "site_changes", 6
        )


class MarkdownReader(readers.MarkdownReader):
    """Pelican's Markdown reader, with the site's changes made inside Python-Markdown."""

    def read(self, source_path):
        prepared = parallel_reading.take(source_path)  # read by another process, while this one read others
        if prepared is not None:
            return prepared
        md = Markdown(**self.markdown_options())
        md.registerExtensions([SiteChanges(source_path, self.settings)], {})
        content = md.convert(source_text(source_path))
        table_of_contents = getattr(md, "toc", "")
        metadata = self.read_metadata(getattr(md, "Meta", {}), md, source_path)
        if str(metadata.get("toc", "")).lower() in ASKING and "<li>" in table_of_contents:
            metadata["table_of_contents"] = table_of_contents
        return typography.typeset(content, metadata, self.settings)

    def markdown_options(self):
        options = dict(self.settings["MARKDOWN"])
        configs = {name: dict(config) for name, config in options.get("extension_configs", {}).items()}
        for name, config in configs.items():
            if name.endswith("codehilite"):
                config.setdefault("pygments_formatter", FocusableCode)
        return {**options, "extension_configs": configs}

    def read_metadata(self, meta, md, source_path):
        """The front matter, as Pelican reads it; Summary and the other FORMATTED_FIELDS are Markdown."""
        md.preprocessors.deregister("meta")  # a formatted field's text holds no front matter
        metadata = {}
        for name, values in meta.items():
            name = name.lower()
            if name in self.settings["FORMATTED_FIELDS"]:
                md.reset()
                value = md.convert("\n".join(values))
            elif len(values) > 1 and not readers.DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                problems.report(
                    source_path,
                    f"has {len(values)} {name.title()} lines: the first is used.",
                    near=f"{values[1]}",
                    note=True,
                )
                value = values[0]
            else:
                value = values if len(values) > 1 else values[0]
            metadata[name] = checked_field(self, name, value, source_path)
        return {name: value for name, value in metadata.items() if value is not None}

    def process_metadata(self, name, value):
        if name == "title":
            value = escape(value, quote=False)
        return super().process_metadata(name, value)


def checked_field(reader, name, value, source_path):
    """A metadata field as Pelican processes it; a date that is not one is a problem."""
    try:
        return reader.process_metadata(name, value)
    except ValueError:
        if name not in ("date", "modified"):
            raise
        problems.report(
            source_path,
            f'has a {name.title()}, "{value}", that is not a date: write YYYY-MM-DD HH:MM.',
            near=str(value),
        )
        # The post is still read, dated by its file, so the build goes on to find any other problem.
        return datetime.fromtimestamp(os.path.getmtime(source_path)) if name == "date" else None


# reStructuredText -------------------------------------------------------------------------------


class HTMLTranslator(html5_polyglot.HTMLTranslator):
    """Docutils' HTML5, with the same changes as Markdown's; sizes are attributes, never style=."""

    def __init__(self, document):
        super().__init__(document)
        self.source_path = document.get("source", "")
        self.images_seen = 0

    def describe(self, attributes):
        example = ".. image:: {src}\n   :alt: a kite over a field"
        described = describe_image(attributes, self.images_seen, self.source_path, reading_settings, example)
        self.images_seen += 1
        return described

    def visit_image(self, node):
        attributes = {"src": node["uri"], "alt": node.get("alt", "")}
        for side in ("width", "height"):
            if pixels(node.get(side)):  # an attribute holds pixels; a size in % or em is the stylesheet's
                attributes[side] = node[side]
        if "align" in node:
            node["classes"].append(f"align-{node['align']}")
        self.body.append(self.emptytag(node, "img", "", **self.describe(attributes)))

    def depart_image(self, node):
        pass

    def starttag(self, node, tagname, suffix="\n", empty=False, **attributes):
        # Docutils sizes figures and tables with style=, which the Content-Security-Policy forbids;
        # images carry their size as attributes, and the stylesheet lays the rest out.
        attributes.pop("style", None)
        return super().starttag(node, tagname, suffix, empty, **attributes)

    def visit_comment(self, node):
        raise docutils.nodes.SkipNode  # a note for the author

    def visit_literal_block(self, node):
        start = len(self.body)
        super().visit_literal_block(node)
        self.body[start] = self.body[start].replace("<pre", '<pre tabindex="0"', 1)

    def visit_raw(self, node):
        if "html" in node.get("format", "").split():
            html = NOTE.sub("", node.astext())
            # Pelican's code-block directive highlights with Pygments' own <pre>.
            html = html.replace('<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">')
            if "<img" in html:
                html = RawImages(self.describe).rewrite(html)
            self.body.append(html)
        raise docutils.nodes.SkipNode

    def visit_abbreviation(self, node):
        # Pelican's :abbr:`HTML (HyperText Markup Language)` role.
        attributes = {"title": node["explanation"]} if node.hasattr("explanation") else {}
        self.body.append(self.starttag(node, "abbr", "", **attributes))

    def depart_abbreviation(self, node):
        self.body.append("</abbr>")


class FieldBodyTranslator(HTMLTranslator):
    """For a Summary written in reST: its body alone."""

    def astext(self):
        return "".join(self.body)

    def visit_field_body(self, node):
        pass

    def depart_field_body(self, node):
        pass


class HTMLWriter(html5_polyglot.Writer):
    def __init__(self):
        super().__init__()
        self.translator_class = HTMLTranslator


reading_settings = {}  # the build's settings, for the reST translator, which docutils makes


class RstReader(readers.RstReader):
    """Pelican's reST reader, writing HTML5 through the site's translator."""

    writer_class = HTMLWriter
    field_body_translator_class = FieldBodyTranslator

    def read(self, source_path):
        prepared = parallel_reading.take(source_path)  # read by another process, while this one read others
        if prepared is not None:
            return prepared
        source_text(source_path)  # a file that is not UTF-8 is reported; docutils would stop at it
        try:
            content, metadata = super().read(source_path)
        except docutils.utils.SystemMessage as error:
            message = str(error)
            line = re.search(r":(\d+): \(", message)
            problems.report(
                source_path,
                f"is not valid reStructuredText: {message}",
                line=int(line.group(1)) if line else 0,
            )
            raise
        return typography.typeset(content, metadata, self.settings)

    def process_metadata(self, name, value):
        if name == "title":
            value = escape(value, quote=False)
        return super().process_metadata(name, value)


class HTMLReader(readers.HTMLReader):
    """Pelican's reader of .html posts, typesetting them as the other readers do."""

    def read(self, source_path):
        return typography.typeset(*super().read(source_path), self.settings)


# Registering, and the finished post -------------------------------------------------------------

OURS = {readers.MarkdownReader: MarkdownReader, readers.RstReader: RstReader, readers.HTMLReader: HTMLReader}


def use_our_readers(pelican_readers):
    """Ours in place of Pelican's (a reader another plugin or READERS chose is left alone); ours typeset."""
    typography.take_over(pelican_readers.settings)
    reading_settings.clear()
    reading_settings.update(pelican_readers.settings)
    for extension, reader_class in pelican_readers.reader_classes.items():
        if reader_class in OURS:
            pelican_readers.reader_classes[extension] = OURS[reader_class]


def finish_content(content):
    """Check what Pelican made of a file, and give it the plain-text forms of its title and summary."""
    if not isinstance(content, Article | Page):
        return
    path = content.source_path
    missing = [field for field in ("title", "date") if lacks(content, field)]
    if missing:
        problems.report(
            path,
            f"has no {' and no '.join(field.title() for field in missing)}: {how_to_add(content, missing)}",
        )
    if "title" in missing:  # named after its file, so the build goes on to find any other problem
        content.title = escape(os.path.splitext(os.path.basename(path))[0])
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
    content.plain_title = plain_text(content.title)
    content.description = describe(content)


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


def describe(content):
    """One line for search results and link previews: the Summary, else the Subtitle, else the text's start."""
    if content.metadata.get("summary"):
        return plain_text(content.metadata["summary"])
    if getattr(content, "subtitle", ""):
        return plain_text(content.subtitle)
    first = FIRST_PARAGRAPH.search(content._content or "")
    # A post of pictures alone, say, has no text to begin with: then its title says what it is.
    text = (
        plain_text(first.group(1) if first else "")
        or plain_text(content._content)
        or plain_text(content.title)
    )
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def register():
    signals.readers_init.connect(use_our_readers)
    signals.content_object_init.connect(finish_content)
