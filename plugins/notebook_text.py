"""The text a notebook's code printed, as a page shows it: terminal colours, progress bars, very long output.

A stored output is text a terminal would have shown. Three things in it need turning into HTML:

- ANSI escape codes (the colours of a traceback, of a test runner): a colour becomes a class
  (`ansi-red`, `ansi-bold`), which the stylesheet colours in light and dark; every other code
  (cursor moves, erasing the line) is removed.
- Carriage returns: a progress bar redraws its line with "\\r"; a terminal shows the last drawing only.
- Length: a loop that printed a million lines would make a page no browser opens. Past
  NOTEBOOK_OUTPUT_MAX_LINES lines (2,000) or NOTEBOOK_OUTPUT_MAX_BYTES bytes (200 KB), the output is cut,
  and the page says so.
"""

import re
from dataclasses import dataclass
from html import escape

MAX_LINES = 2_000
MAX_BYTES = 200_000

# ESC [ parameters final-byte: SGR ("m") sets colours; any other final byte moves the cursor or erases.
ESCAPE = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|\x1b[()][A-Za-z0-9]|\x1b[=>]")
COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]


@dataclass(frozen=True)
class Cut:
    text: str  # what is shown
    lines: int  # how many lines the whole output had
    size: int  # and how many bytes
    was_cut: bool


def joined(source):
    """A notebook's text: a string, or a list of lines (each ending in its newline)."""
    return "".join(source) if isinstance(source, list) else str(source or "")


def as_terminal_shows(text):
    """Each line as a terminal leaves it: what follows a line's last carriage return was drawn over it."""
    text = text.replace("\r\n", "\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def line_count(text):
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def cut_short(text, settings, count_lines=True):
    """The text, or its start if it is longer than the settings allow (in bytes, and in lines unless
    `count_lines` is False, as for HTML, whose lines say nothing of what a reader sees)."""
    max_lines = settings.get("NOTEBOOK_OUTPUT_MAX_LINES", MAX_LINES)
    max_bytes = settings.get("NOTEBOOK_OUTPUT_MAX_BYTES", MAX_BYTES)
    size = len(text.encode("utf-8"))
    kept = text
    if count_lines and line_count(text) > max_lines:
        kept = "".join(text.splitlines(keepends=True)[:max_lines])
    if len(kept.encode("utf-8")) > max_bytes:
        kept = kept.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
        if count_lines and "\n" in kept:
            kept = kept.rsplit("\n", 1)[0] + "\n"  # end at a whole line
    return Cut(kept, line_count(text), size, kept != text)


def cut_note(cut):
    """The sentence under an output that was cut short, in lines if it was cut at a line, else in KB."""
    shown_lines = line_count(cut.text)
    if shown_lines < cut.lines and cut.text.endswith("\n"):
        how_much = f"the first {shown_lines:,} of its {cut.lines:,} lines"
    else:
        how_much = f"the first {kilobytes(len(cut.text.encode('utf-8')))} of its {kilobytes(cut.size)}"
    return f'<p class="notebook-cut">This output is cut short: {how_much} are shown.</p>'


def kilobytes(size):
    return f"{size / 1000:,.0f} KB"


def terminal_html(text):
    """Terminal text as HTML for a <pre>: escaped, its colours as classes, its other escape codes gone."""
    pieces = []
    classes = []
    position = 0
    for code in ESCAPE.finditer(text):
        pieces.append(coloured(text[position : code.start()], classes))
        position = code.end()
        if code.group(2) == "m":
            classes = classes_after(code.group(1), classes)
    pieces.append(coloured(text[position:], classes))
    return "".join(pieces)


def coloured(text, classes):
    if not text:
        return ""
    if not classes:
        return escape(text, quote=False)
    return f'<span class="{" ".join(classes)}">{escape(text, quote=False)}</span>'


def classes_after(parameters, classes):
    """The classes in force after one "ESC [ … m" code: bold, a foreground and a background colour."""
    bold = "ansi-bold" in classes
    foreground = next((name for name in classes if is_foreground(name)), None)
    background = next((name for name in classes if name.startswith("ansi-background-")), None)
    numbers = [int(number) for number in parameters.split(";") if number] or [0]
    while numbers:
        number = numbers.pop(0)
        if number == 0:
            bold, foreground, background = False, None, None
        elif number == 1:
            bold = True
        elif number == 22:
            bold = False
        elif 30 <= number <= 37 or 90 <= number <= 97:
            foreground = colour_class("ansi-", number % 10)
        elif number == 38:
            foreground = colour_class("ansi-", extended_colour(numbers))
        elif number == 39:
            foreground = None
        elif 40 <= number <= 47 or 100 <= number <= 107:
            background = colour_class("ansi-background-", number % 10)
        elif number == 48:
            background = colour_class("ansi-background-", extended_colour(numbers))
        elif number == 49:
            background = None
    return [name for name in ("ansi-bold" if bold else None, foreground, background) if name]


def extended_colour(numbers):
    """The basic colour (0-7) of a "38;5;N" or "38;2;R;G;B" code, taking its numbers; None for the others."""
    if numbers[:1] == [5] and len(numbers) >= 2:
        palette = numbers[1]
        del numbers[:2]
        return palette % 8 if palette < 16 else None
    if numbers[:1] == [2]:
        del numbers[:4]
    return None


def colour_class(prefix, number):
    """Black and white are left to the page's own text colour: either would vanish on one of the themes."""
    if number is None:
        return None
    name = COLOURS[number]
    return None if name in ("black", "white") else prefix + name


def is_foreground(name):
    return name.startswith("ansi-") and not name.startswith("ansi-background-") and name != "ansi-bold"
