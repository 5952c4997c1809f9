"""How a Liquid tag is written, `{% name word word "a quoted phrase" %}`, and what a tag's renderer is given.

The liquid_tags plugin of pelican-plugins let posts write such tags in Markdown; plugins/liquid_tags.py
finds them in a post's prose and hands each to the renderer of its name (plugins/liquid_media.py,
plugins/liquid_files.py). A renderer gets the `Tag` and a `TagContext` and returns an element, or raises
`TagError` with a message for the author: the tag is then shown as typed, and the message reported.
"""

import re
from dataclasses import dataclass
from typing import Any

# `{%`, a name, its arguments, `%}`. The arguments may span lines and hold "%" ("100%"), never "%}".
TAG = re.compile(r"\{%\s*(?P<name>[^\s%]+)(?P<arguments>(?:(?!%\}).)*)%\}", re.DOTALL)
# A word of the arguments: a phrase in double or single quotes, or a run of anything but spaces. A quote
# counts only where a word starts, so the apostrophe of "Don't" is just a letter.
WORD = re.compile(r'"(?P<double>[^"]*)"|\'(?P<single>[^\']*)\'|(?P<plain>\S+)')
# How long a tag may be in a problem's message before it is shortened.
SHOWN_LENGTH = 60


class TagError(Exception):
    """A tag that cannot be rendered; the message says what is wrong and what to write instead."""


@dataclass(frozen=True)
class Word:
    value: str  # without its quotes
    start: int  # where it starts in the tag's arguments
    quoted: bool


@dataclass(frozen=True)
class Tag:
    name: str
    arguments: str  # as typed, spaces around them removed
    text: str  # the whole tag, as typed

    @classmethod
    def from_match(cls, match):
        return cls(match.group("name"), match.group("arguments").strip(), match.group(0))

    def words(self):
        return [word_of(match) for match in WORD.finditer(self.arguments)]

    def rest(self, word):
        """The arguments from `word` on, as typed."""
        return self.arguments[word.start :].strip()

    def shown(self):
        """The tag for a problem's message: on one line, shortened when long."""
        text = " ".join(self.text.split())
        return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 4].rstrip() + " … %}"

    def first_line(self):
        """The tag's first line as the source holds it: plugins/problems.py finds the line number by it."""
        return self.text.splitlines()[0].strip()


def word_of(match):
    for quote in ("double", "single"):
        if match.group(quote) is not None:
            return Word(match.group(quote), match.start(), quoted=True)
    return Word(match.group("plain"), match.start(), quoted=False)


@dataclass
class TagContext:
    """What a renderer may need beyond the tag: the Markdown instance, the post, the build's settings."""

    md: Any  # markdown.Markdown, converting the post now
    source_path: str
    settings: dict
    notebook_markdown: Any = None  # a callable giving the converter of an embedded notebook's Markdown

    def raw_html(self, html):
        """A placeholder for HTML that Markdown puts back as it is, once the page is finished."""
        return self.md.htmlStash.store(html)
