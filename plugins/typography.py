"""Typography: straight quotes, double hyphens and three dots made typographic as a post is read.

    "Don't" -- he said...   ->   “Don’t” — he said…

The readers (plugins/reading.py) call `typeset()` on each run of a post's text, in order, never on code,
preformatted text or math: in Markdown from a tree processor, in reStructuredText from the HTML
translator, and on the Title and Subtitle. So the result is cached with the post, and nothing runs over
finished HTML. A quote opens after a space, an opening bracket or a dash, or at the start of a block;
otherwise it closes, which also makes every apostrophe (it’s, ’80s) right. Characters, not entities:
the pages are UTF-8. A quote after a backslash (\\") stays straight, and the backslash goes.

TYPOGRAPHY (on by default) turns it off when False.
"""

import re

# Text without any of these is left as it is: most runs of text between two tags have none.
MARKERS = re.compile(r"""['"`]|--|\.\.\.|\. \. \.""")
# A backslash before a quote keeps it straight (as Smartypants reads it): \" stays ", without the backslash.
# Kept aside as characters of Unicode's private use area, which no text holds and Markdown does not use.
ESCAPED = {'\\"': "\ue000", "\\'": "\ue001"}
KEPT = {"\ue000": '"', "\ue001": "'"}
# What a quote opens after: the start of a block (a space stands for it), a space, an opening
# bracket, a dash or another opening quote.
OPENS_AFTER = r"\s(\[{<\u2014\u2013\u2018\u201c/-"
OPENING_DOUBLE = re.compile(rf'(?<=[{OPENS_AFTER}])"')
# An apostrophe that opens a word of digits is an elision ('80s, '19), never a quote.
ELIDED_YEAR = re.compile(rf"(?<=[{OPENS_AFTER}])'(?=\d\d)")
OPENING_SINGLE = re.compile(rf"(?<=[{OPENS_AFTER}])'")
DASHES = re.compile(r"-{2,3}")
ELLIPSIS = re.compile(r"\.\.\.|\. \. \.")
START_OF_BLOCK = " "


def typeset(text, before=START_OF_BLOCK):
    """The text made typographic; `before` is the last character of the text before it in its block."""
    if not MARKERS.search(text):
        return text
    for escaped, kept in ESCAPED.items():
        text = text.replace(escaped, kept)
    text = DASHES.sub("\u2014", text)
    text = ELLIPSIS.sub("\u2026", text)
    text = text.replace("``", "\u201c").replace("''", "\u201d")
    # The character before stands at the front, so that a quote at the start of this text is read in
    # its context, then is taken off again.
    text = before + text
    text = OPENING_DOUBLE.sub("\u201c", text).replace('"', "\u201d")
    text = ELIDED_YEAR.sub("\u2019", text)
    text = OPENING_SINGLE.sub("\u2018", text).replace("'", "\u2019")
    for kept, character in KEPT.items():
        text = text.replace(kept, character)
    return text[len(before) :]


def typeset_line(text):
    """A line on its own, a Title or Subtitle: typeset as the start of a block."""
    return typeset(text)


class RunningText:
    """The runs of text of one document, typeset in order: each knows the character before it.

    `start_block()` at the start of each block (a paragraph, a list item, a heading), where a quote opens."""

    def __init__(self, enabled=True):
        self.enabled = enabled
        self.last = START_OF_BLOCK

    def start_block(self):
        self.last = START_OF_BLOCK

    def typeset(self, text):
        if not text:
            return text
        if self.enabled:
            text = typeset(text, self.last)
        self.last = text[-1]
        return text

    def skip(self, text):
        """A run of text left as it is (code): it still is what comes before the next run."""
        if text:
            self.last = text[-1]
