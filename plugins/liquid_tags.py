"""Liquid tags in Markdown posts, `{% youtube id %}`, rendered as the liquid_tags plugin's users expect.

`LiquidTags(current_file, settings)` is a Python-Markdown extension. It renders the tags of a post's
prose, and never those inside code (fenced, indented or `inline`), where posts show Jinja and Liquid
as text:

- in a sentence, a tag becomes an inline element: img, a video or audio player, an iframe, a link;
- alone in its paragraph, a tag that shows a block (a player, code, a notebook) takes the
  paragraph's place, so that it is never inside a <p>;
- `{% literal anything %}` shows `{% anything %}`; `\\{%` (an escaped brace) shows `{%` too.

Each tag's HTML is made in plugins/liquid_media.py (from its words alone) and plugins/liquid_files.py
(from a file of the content folder). No tag reaches a page raw or is lost in silence: an unknown tag
(`{% photo %}`, a mistyped `{% imgg %}`), a tag that cannot be rendered (a missing file), a `{%`
that nothing closes, or a tag inside raw HTML, which Markdown does not read, is a problem of the post
(plugins/problems.py) naming its line; the tag is then shown as typed, and the rest of the post
renders.
"""

import re
import xml.etree.ElementTree as etree
from html import escape

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import STX

from plugins import liquid_files, liquid_media, problems
from plugins.liquid_syntax import TAG, Tag, TagContext, TagError


def literal(tag, context):
    """{% literal anything %}: the text `{% anything %}`, as typed."""
    return shown_as_typed("{% " + tag.arguments + " %}", context)


# Each tag's renderer returns an element (or a placeholder): those made from the tag's words alone, and
# those that need the post's context (its folder, its settings, its Markdown instance).
WORD_TAGS = {
    "img": liquid_media.image,
    "video": liquid_media.video,
    "audio": liquid_media.audio,
    "youtube": liquid_media.youtube,
    "vimeo": liquid_media.vimeo,
    "gist": liquid_media.gist,
}
CONTEXT_TAGS = {
    "include_code": liquid_files.include_code,
    "notebook": liquid_files.notebook,
    "literal": literal,
}
# Tags that, alone in a paragraph, take its place: players stand on their own, as a figure does.
BLOCK_TAGS = {"video", "audio", "youtube", "vimeo", "include_code", "notebook"}
# Tags whose HTML cannot sit inside a paragraph at all, and what they show, for the message.
OWN_PARAGRAPH_TAGS = {"include_code": "figure of code", "notebook": "notebook"}
# An unclosed "{%" is looked for right after the tags, so every "{%" left is one.
TAG_PRIORITY = 177  # after `code` (190) and backslash escapes (180), before links and emphasis
UNCLOSED_PRIORITY = 176
# Just before "paragraph" (10), the last: indented code, lists and quotes are recognised first.
BLOCK_PRIORITY = 12
# After "fenced_code_block" (25) and "html_block" (20), which put raw HTML in the stash.
RAW_HTML_CHECK_PRIORITY = 15


def shown_as_typed(text, context):
    """A placeholder for the text, escaped: Markdown neither reads it nor takes "{…}" for attributes."""
    return context.raw_html(escape(text, quote=False))


def report(tag_or_text, message, context):
    near = tag_or_text.first_line() if isinstance(tag_or_text, Tag) else tag_or_text
    problems.report(context.source_path, message, near=near)


def render(tag, context, *, in_sentence):
    """The tag's element or placeholder; None, once the problem is reported, when it cannot be shown."""
    if tag.name not in WORD_TAGS and tag.name not in CONTEXT_TAGS:
        report(
            tag,
            f"has {tag.shown()}, a Liquid tag that nothing on this site renders: write what it should show "
            f"in Markdown, or {{% literal {tag.name} … %}} to show the tag as text.",
            context,
        )
        return None
    if in_sentence and tag.name in OWN_PARAGRAPH_TAGS:
        report(
            tag,
            f"has {tag.shown()} inside a paragraph of text: give it a paragraph of its own, with a blank "
            f"line before and after, since a {OWN_PARAGRAPH_TAGS[tag.name]} cannot sit in a sentence.",
            context,
        )
        return None
    try:
        if tag.name in WORD_TAGS:
            return WORD_TAGS[tag.name](tag)
        return CONTEXT_TAGS[tag.name](tag, context)
    except TagError as error:
        report(tag, str(error), context)
        return None


class InlineTagProcessor(InlineProcessor):
    """A tag in a line of prose (a paragraph, a heading, a list item, a table cell)."""

    def __init__(self, md, extension):
        super().__init__(TAG.pattern, md)
        self.extension = extension

    def handleMatch(self, match, data):
        context = self.extension.context(self.md)
        tag = Tag.from_match(match)
        shown = render(tag, context, in_sentence=True)
        return (shown_as_typed(tag.text, context) if shown is None else shown), match.start(), match.end()


class UnclosedTagProcessor(InlineProcessor):
    """A "{%" that no "%}" closes: what follows it is shown, and the author told."""

    def __init__(self, md, extension):
        super().__init__(r"\{%", md)
        self.extension = extension

    def handleMatch(self, match, data):
        context = self.extension.context(self.md)
        # The rest of the line, up to what another pattern has already taken (code, say).
        following = data[match.start() :].split(STX)[0].splitlines()[0][:40].strip()
        report(
            following,
            f'has "{following}", a {{% that no %}} closes: end the tag with %}}, or write `{{%` to show it as code.',
            context,
        )
        return shown_as_typed("{%", context), match.start(), match.end()


class BlockTagProcessor(BlockProcessor):
    """A paragraph that is one tag showing a block: the block, in the paragraph's place."""

    def __init__(self, parser, extension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block):
        match = TAG.fullmatch(block.strip())
        return match is not None and match.group("name") in BLOCK_TAGS

    def run(self, parent, blocks):
        context = self.extension.context(self.parser.md)
        tag = Tag.from_match(TAG.fullmatch(blocks.pop(0).strip()))
        element = render(tag, context, in_sentence=False)
        if element is None:
            element = etree.Element("p")
            element.text = shown_as_typed(tag.text, context)
        parent.append(element)


class TagsInRawHtml(Preprocessor):
    """Tags in raw HTML, which Markdown keeps as it is: they would reach the page as typed.

    Code (<pre>, <code>) and notes (<!-- -->) in the HTML may show tags; a fenced code block is HTML by now."""

    CODE_OR_NOTE = re.compile(r"<!--.*?-->|<(pre|code|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        context = self.extension.context(self.md)
        for block in self.md.htmlStash.rawHtmlBlocks:
            if not isinstance(block, str):
                continue
            prose = self.CODE_OR_NOTE.sub("", block)
            for match in TAG.finditer(prose):
                tag = Tag.from_match(match)
                report(
                    tag,
                    f"has {tag.shown()} inside HTML, which Markdown does not read, so it would show as typed: "
                    'move the tag out of the HTML, or add markdown="1" to the HTML element that holds it.',
                    context,
                )
        return lines


class LiquidTags(Extension):
    """The extension: made once per reader; `current_file.path` is the post being converted when it runs."""

    def __init__(self, current_file, settings, notebook_markdown=None):
        super().__init__()
        self.current_file = current_file
        self.settings = settings
        # A callable giving the converter of an embedded notebook's Markdown cells (plugins/reading.py
        # gives the site's own); None: plugins/notebooks.py's default.
        self.notebook_markdown = notebook_markdown

    def context(self, md):
        # Read now, never kept: the same instance converts one file after another.
        return TagContext(md, self.current_file.path, self.settings, self.notebook_markdown)

    def extendMarkdown(self, md):
        md.preprocessors.register(TagsInRawHtml(md, self), "liquid_tags_in_raw_html", RAW_HTML_CHECK_PRIORITY)
        md.parser.blockprocessors.register(
            BlockTagProcessor(md.parser, self), "liquid_block_tag", BLOCK_PRIORITY
        )
        md.inlinePatterns.register(InlineTagProcessor(md, self), "liquid_tag", TAG_PRIORITY)
        md.inlinePatterns.register(UnclosedTagProcessor(md, self), "liquid_unclosed_tag", UNCLOSED_PRIORITY)
