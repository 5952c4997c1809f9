"""The Liquid tags that show a file of the content folder: include_code and notebook.

`{% include_code path [lang:python] [lines:X-Y] [:hidefilename:] [:hidelink:] [:hideall:] [title] %}`
shows a file of CODE_DIR ("code", inside PATH, as in liquid_tags) coloured exactly as the site's
fenced code blocks are, by the codehilite extension of the Markdown instance converting the post, in a
`<figure class="code">` whose caption holds the title, the file name (linked to the file) and the lines.
`{% notebook path [cells[a:b]] [language[…]] %}` shows a notebook of NOTEBOOK_DIR ("notebooks"),
rendered by plugins/notebooks.py. A file that is missing, or a part of it that is not there, raises
`TagError` naming it; the post goes on being read.
"""

import os
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension
from markdown.util import AtomicString
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.util import ClassNotFound

from plugins import problems
from plugins.liquid_syntax import TagError

CODE_SYNTAX = "{% include_code path/in/code/folder.py [lang:python] [lines:X-Y] [title] %}"
FLAGS = {":hidefilename:": "hide_filename", ":hidelink:": "hide_link", ":hideall:": "hide_all"}
LINES = re.compile(r"(?P<first>\d+)(?:-(?P<last>\d+))?")
CELLS = re.compile(r"cells\[(?P<start>-?\d*):(?P<stop>-?\d*)\]")
# The notebook names its own language, which plugins/notebooks.py colours it by; liquid_tags'
# language[…] is accepted so that moved-in posts read without a change.
LANGUAGE = re.compile(r"language\[[^\]]*\]")


# include_code -----------------------------------------------------------------------------------


@dataclass
class CodeOptions:
    lang: str | None = None
    lines: str | None = None  # "3-10", or "3"
    codec: str = "utf-8"
    title: str = ""
    hide_filename: bool = False
    hide_link: bool = False
    hide_all: bool = False


def include_code(tag, context):
    """A figure: the caption, then the file's lines as Pygments colours them."""
    words = tag.words()
    if not words:
        raise TagError(f"has {tag.shown()}, which names no file: write {CODE_SYNTAX}.")
    name, options = words[0].value, code_options(tag, words[1:])
    code_folder = os.path.join(context.settings["PATH"], context.settings.get("CODE_DIR", "code"))
    path = os.path.join(code_folder, name)
    code, first_line = chosen_lines(path, options, code_folder)
    language = options.lang or language_of(name)
    shows_link = not (options.hide_link or options.hide_all)
    link = static_link(name, context.settings) if shows_link else None
    figure = etree.Element("figure", {"class": "code"})
    caption = code_caption(name, options, link)
    # Markdown leaves the highlighted HTML as it is; the caption is an element, escaped like any text.
    highlighted = context.raw_html(highlight(code, language, first_line, context.md))
    if caption is None:
        figure.text = highlighted
    else:
        figure.append(caption)
        caption.tail = highlighted
    return figure


def code_options(tag, words):
    """lang:, lines:, codec: and the :hide…: flags, in any order; the other words are the title."""
    options = CodeOptions()
    title = []
    for word in words:
        key, _, value = word.value.partition(":")
        if word.value in FLAGS:
            setattr(options, FLAGS[word.value], True)
        elif not word.quoted and key in ("lang", "lines", "codec") and value:
            setattr(options, key, value)
        else:
            title.append(word.value)
    options.title = " ".join(title)
    if options.lang:
        try:
            get_lexer_by_name(options.lang)
        except ClassNotFound:
            raise TagError(
                f"has {tag.shown()}, but Pygments knows no language lang:{options.lang}: "
                "write one of its names (python, javascript, html, shell…), or leave lang: out."
            ) from None
    if options.lines and not LINES.fullmatch(options.lines):
        raise TagError(f"has {tag.shown()}, with lines:{options.lines}: write lines:X-Y, as in lines:3-10.")
    return options


def chosen_lines(path, options, code_folder):
    """The code to show and the number of its first line; the file or the lines missing is a TagError."""
    shown = problems.shown(path)
    try:
        with open(path, encoding=options.codec) as source:
            lines = source.read().splitlines(keepends=True)
    except FileNotFoundError:
        raise TagError(
            f"includes {shown}, which does not exist: put the file there, or correct its path, "
            f"which is relative to {problems.shown(code_folder)} (CODE_DIR)."
        ) from None
    except LookupError:
        raise TagError(
            f"includes {shown} with codec:{options.codec}, an encoding Python does not know."
        ) from None
    except UnicodeDecodeError:
        raise TagError(
            f"includes {shown}, which is not {options.codec}: save it as UTF-8, or name its encoding (codec:latin-1)."
        ) from None
    except OSError as error:
        raise TagError(f"includes {shown}, which cannot be read: {error.strerror}.") from None
    if not options.lines:
        return "".join(lines), 1
    match = LINES.fullmatch(options.lines)
    first = int(match.group("first"))
    last = int(match.group("last") or first)
    if not 1 <= first <= last <= len(lines):
        raise TagError(
            f"includes lines {first}-{last} of {shown}, which has {len(lines)} lines: "
            f"write lines:X-Y with 1 ≤ X ≤ Y ≤ {len(lines)}."
        )
    return "".join(lines[first - 1 : last]), first


def language_of(name):
    """The Pygments name of the language a file name says ("python" for x.py), or None."""
    lexer = find_lexer_class_for_filename(name)
    return lexer.aliases[0] if lexer is not None and lexer.aliases else None


def highlight(code, language, first_line, md):
    """The code as the post's fenced code blocks are coloured: the same codehilite options, formatter and all."""
    options = dict(codehilite_options(md))
    style = options.pop("pygments_style", "default")
    # Line numbers, where the site shows them, count from the first line included.
    hiliter = CodeHilite(code, lang=language, style=style, linenostart=first_line, **options)
    return hiliter.hilite(shebang=False)  # a file's "#!" line is code to show


def codehilite_options(md):
    """The options of the codehilite extension converting the post, as fenced code reads them."""
    for extension in md.registeredExtensions:
        if isinstance(extension, CodeHiliteExtension):
            return extension.getConfigs()
    return {"css_class": "highlight", "guess_lang": False}  # a site without codehilite: still coloured


def static_link(name, settings):
    """`{static}/code/name.py`, which Pelican makes the copied file's address; a file it does not copy is a TagError."""
    relative = posixpath.normpath(posixpath.join(settings.get("CODE_DIR", "code"), name.replace(os.sep, "/")))
    relative = relative.lstrip("/")
    copied = any(
        folder in ("", ".") or relative == folder.strip("/") or relative.startswith(folder.strip("/") + "/")
        for folder in settings.get("STATIC_PATHS", [])
    )
    if not copied:
        folder = settings.get("CODE_DIR", "code")
        raise TagError(
            f"links to {relative}, which Pelican does not copy to the site: add {folder!r} to STATIC_PATHS "
            "in pelicanconf.py, or write :hidelink: in the include_code tag."
        )
    return f"{{static}}/{relative}"


def code_caption(name, options, link):
    """<figcaption>: the title, the file name (the link to the file), the lines; None when all is hidden."""
    if options.hide_all:
        return None
    caption = etree.Element("figcaption")
    parts = []
    if options.title:
        parts.append(("span", {"class": "code-title"}, options.title))
    file_name = posixpath.basename(name.replace(os.sep, "/"))
    if not options.hide_filename and link:
        parts.append(("a", {"class": "code-filename", "href": link}, file_name))
    elif not options.hide_filename:
        parts.append(("span", {"class": "code-filename"}, file_name))
    if options.lines:
        parts.append(("span", {"class": "code-lines"}, f"lines {options.lines}"))
    if link and options.hide_filename:
        parts.append(("a", {"class": "code-link", "href": link}, "download"))
    if not parts:
        return None
    for index, (element, attributes, text) in enumerate(parts):
        part = etree.SubElement(caption, element, attributes)
        part.text = AtomicString(text)
        if index < len(parts) - 1:
            part.tail = AtomicString(" ")  # read aloud, and in feed readers without the stylesheet, as words
    return caption


# notebook ---------------------------------------------------------------------------------------


def notebook(tag, context):
    """The notebook's cells, as plugins/notebooks.py renders them, in a paragraph of their own."""
    words = tag.words()
    if not words:
        raise TagError(
            f"has {tag.shown()}, which names no notebook: write {{% notebook name.ipynb [cells[2:8]] %}}."
        )
    cells = None
    for word in words[1:]:
        match = CELLS.fullmatch(word.value)
        if match:
            start, stop = match.group("start"), match.group("stop")
            cells = slice(int(start) if start else None, int(stop) if stop else None)
        elif not LANGUAGE.fullmatch(word.value):
            raise TagError(
                f'has {tag.shown()}, with "{word.value}": write cells[2:8] to show some cells, or leave it out.'
            )
    path = os.path.join(
        context.settings["PATH"], context.settings.get("NOTEBOOK_DIR", "notebooks"), words[0].value
    )
    try:
        from plugins import notebooks  # written beside this module; the other tags work without it
    except ModuleNotFoundError as error:
        if error.name != "plugins.notebooks":
            raise
        raise TagError(
            f"has {tag.shown()}, but this site has no plugins/notebooks.py to render notebooks."
        ) from None
    try:
        converter = context.notebook_markdown() if context.notebook_markdown else None
        html = notebooks.embed_notebook(path, cells, context.settings, markdown_to_html=converter)
    except notebooks.NotebookError as error:
        raise TagError(str(error)) from None
    # A paragraph holding only a placeholder of block-level HTML is replaced by the HTML alone.
    paragraph = etree.Element("p")
    paragraph.text = context.raw_html(html)
    return paragraph
