"""What the site changes in a post's HTML, whatever the post is written in: the one place both readers ask.

plugins/markdown_extension.py (inside Python-Markdown) and plugins/rest_translator.py (inside docutils)
call these for the elements they make, and `RawHTML` for the HTML an author wrote as it is:

- an image gets its width and height (from the image file, or one of them from the other), asynchronous
  decoding, and lazy loading after a page's first; one without alt text is listed, and is a problem
  where REQUIRE_ALT_TEXT asks for it, with advice in the syntax of the file at hand;
- a link with no address (`[text]()`) is a problem: it leads nowhere;
- author notes (HTML comments) are taken out, so none reaches a page or a feed.
"""

import os
import re
from html import escape, unescape
from html.parser import HTMLParser

from pelican.utils import truncate_html_paragraphs, truncate_html_words

from plugins import image_encoding, images, problems

NOTE = re.compile(r"<!--.*?-->", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
# Links Pelican resolves against the content folder ({static}/images/a.png, and the older |static|).
CONTENT_LINK = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")
HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
# A formula (plugins/mathml.py), with the box of a displayed one.
FORMULA = re.compile(r'(?:<span class="math-display"[^>]*>)?<math\b.*?</math>(?:</span>)?', re.DOTALL)
# Stands for a formula set aside: a character of Unicode's private use area, which no text holds.
FORMULA_MARK = "\ue002"
# How to describe an image, in the syntax the author wrote it in.
ALT_TEXT_EXAMPLES = {
    "markdown": "![a kite over a field]({src})",
    "rst": ":alt: a kite over a field (below .. image:: {src})",
    "html": '<img src="{src}" alt="a kite over a field">',
}
WITHOUT_ALT_TEXT = "images without alt text"
LOADING = ("fetchpriority", "loading", "decoding")


def without_formulas(html, instead=" "):
    """HTML with its formulas taken out: their MathML's text reads as nonsense in a line of plain text."""
    return FORMULA.sub(instead, html or "")


def summary_keeping_formulas(html, settings):
    """The summary Pelican would make of a post's text (its first paragraphs, cut at a number of words),
    with each formula counted as one word and kept whole: Pelican would count each of its symbols, and
    might cut it in the middle."""
    formulas = []

    def set_aside(match):
        formulas.append(match.group(0))
        return f"{FORMULA_MARK}{len(formulas) - 1}{FORMULA_MARK}"

    summary = FORMULA.sub(set_aside, html)
    if settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        summary = truncate_html_paragraphs(summary, settings["SUMMARY_MAX_PARAGRAPHS"])
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        summary = truncate_html_words(summary, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"])
    return re.sub(f"{FORMULA_MARK}(\\d+){FORMULA_MARK}", lambda mark: formulas[int(mark.group(1))], summary)


def plain_text(html):
    """The text of an HTML fragment, on one line: tags dropped, entities read."""
    return " ".join(unescape(TAG.sub("", html or "")).split())


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
    """(width, height) of the image file in the content folder an image's src names, as it is shown
    (a photo turned by its orientation flag the other way round), or None."""
    file = image_file(src, source_path, settings)
    source = image_encoding.inspect(file) if file else None
    return (source.width, source.height) if source else None


class PageImages:
    """The images of one text a reader converts, in order: each rendered with its place among them."""

    def __init__(self, file):
        self.file = file  # the reader's FileBeingRead: the path and the build's settings
        self.seen = 0

    def render(self, attributes, syntax):
        rendered = render_image(attributes, self.seen, self.file.path, self.file.settings, syntax)
        self.seen += 1
        return rendered

    def render_raw(self, attributes):
        return self.render(attributes, "html")


def render_image(attributes, position, source_path, settings, syntax):
    """What an image of a post becomes: (its <img> attributes, completed; and a Picture of modern formats at
    several widths, or None where it stays a plain <img>: plugins/images.py decides). Missing alt text is
    reported. `position` counts the images before it on the page; `syntax` ("markdown", "rst", "html") is
    the one the author wrote it in, for the advice."""
    described = describe_image(attributes, position, source_path, settings, syntax)
    picture = images.plan_picture(
        attributes.get("src", ""), {**attributes, "alt": described["alt"]}, source_path, settings
    )
    return described, picture


def describe_image(attributes, position, source_path, settings, syntax):
    """An image's attributes, completed: its size, how it loads; missing alt text is reported."""
    attributes = dict(attributes)
    src = attributes.get("src", "")
    if not (attributes.get("alt") or "").strip():
        report_missing_alt_text(src, source_path, settings, syntax)
        attributes["alt"] = ""  # valid HTML, and read by screen readers as decoration
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
    return {**images.loading_attributes(position), **attributes}  # how it loads, unless the author says


def loading(attributes):
    """The attributes that say how an image loads, for the <img> of its Picture."""
    return {name: attributes[name] for name in LOADING if name in attributes}


def report_missing_alt_text(src, source_path, settings, syntax):
    example = ALT_TEXT_EXAMPLES[syntax].format(src=src)
    problems.report(
        source_path,
        f"has an image, {src}, without alt text: describe what it shows, as in {example}.",
        near=src,
        note=not settings.get("REQUIRE_ALT_TEXT"),
        counted_as=WITHOUT_ALT_TEXT,
    )


def report_empty_link(text, source_path, near):
    problems.report(
        source_path,
        f'has a link with no address, "{text}": write where it leads, or leave the text unlinked.',
        near=near,
    )


class RawHTML(HTMLParser):
    """HTML an author wrote into a post as it is, with the site's changes: notes out, images described
    (`describe(attributes)` gives what render_image() does), links checked, headings shifted down
    `shift` levels (the page's title is its one <h1>)."""

    def __init__(self, source_path, describe, shift=0):
        super().__init__(convert_charrefs=True)
        self.source_path = source_path
        self.describe = describe
        self.shift = shift
        self.images = []  # (the tag as written, its attributes)
        self.links = []  # (the tag as written, its attributes, the text inside it)
        self.open_links = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append((self.get_starttag_text(), dict(attrs)))
        elif tag == "a":
            self.open_links.append([self.get_starttag_text(), dict(attrs), ""])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        for link in self.open_links:
            link[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.open_links:
            self.links.append(self.open_links.pop())

    def rewrite(self, html):
        html = NOTE.sub("", html)
        self.feed(html)
        self.close()
        for written, attributes in self.images:
            described, picture = self.describe(attributes)
            tag = (
                "<img "
                + " ".join(f'{name}="{escape(value or "")}"' for name, value in described.items())
                + ">"
            )
            html = html.replace(written, picture.to_html(loading(described)) if picture else tag, 1)
        for written, attributes, text in self.links + self.open_links:
            if "href" in attributes and not (attributes["href"] or "").strip():
                report_empty_link(" ".join(text.split()), self.source_path, near=written)
        if self.shift:
            html = HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{min(int(tag[2]) + self.shift, 6)}", html)
        return html


def needs_rewriting(html, shift):
    """Whether HTML written as it is holds anything the site changes (most, code blocks, hold nothing)."""
    return "<img" in html or "<a" in html or "<!--" in html or (shift and "<h" in html)


def has_raw_top_heading(html):
    """Whether raw HTML holds an <h1>."""
    return any(tag[2] == "1" and not tag[1] for tag in HEADING_TAG.finditer(NOTE.sub("", html)))
