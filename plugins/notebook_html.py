"""A notebook's cells as the site's HTML: Markdown as the site writes it, code coloured, stored outputs shown.

Nothing is executed: a code cell shows the outputs the notebook stored when its author ran it.

- Markdown cells go through the converter the reader is given (the site's Markdown, math included),
  all of a notebook's cells as one document, so headings, footnotes and heading ids are numbered
  across the notebook as across a post. An image a cell holds as an attachment
  (`![a plot](attachment:plot.png)`) becomes a file of the site.
- A code cell is coloured by Pygments, as the site colours a fenced block (`<div class="highlight">`),
  in the notebook's language; its prompt, "In [3]:", is shown but hidden from screen readers, which
  read "Input 3" instead, not a bracket and a colon.
- Outputs, the richest form each stored that a page can show: HTML (a DataFrame's table) made safe
  with nh3, a maintained sanitizer: no script, no style element or attribute, no event handler, no
  class or id, so nothing of the notebook's own CSS or JavaScript reaches the page; Markdown; LaTeX
  (through the site's Markdown, as math); SVG, PNG, JPEG and GIF images, written as files of the
  site (plugins/notebook_files.py), never as data: URIs; plain text, printed text (standard error
  marked) and errors, their terminal colours as classes (plugins/notebook_text.py).
- What notebook authors use to shape a page: the cell tags of Jupyter Book and nbconvert
  (`remove-cell`, `remove-input`, `remove-output`, and `hide-input`, `hide-output`, `hide-cell`,
  shown folded in a <details>); Jupyter's own folded cells; and Quarto's cell options, `#| echo: false`,
  `#| output: false`, `#| include: false`, `#| fig-alt: what the figure shows`, `#| fig-cap: a caption`.
  An output image with neither alt text nor a caption is a problem, as an image of a post is.
"""

import hashlib
import json
import re
from html import escape

import nh3
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from plugins import notebook_files, notebook_text, post_html, problems

# The forms of an output, richest first: a page shows the first one stored that it can show.
PREFERENCE = [
    "text/html",
    "text/markdown",
    "text/latex",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
]
IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")

# What an HTML output may keep: text, lists and tables. Its images are data: URIs the site's
# Content-Security-Policy refuses; its headings would break the page's outline; styles, classes and
# ids belong to the notebook's own stylesheet and scripts, never the theme's.
# fmt: off
SAFE_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var",
}
# fmt: on
HTML_OUTPUT = nh3.Cleaner(
    tags=SAFE_TAGS,
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "textarea", "select"},
    attributes={
        "a": {"href"},
        "abbr": {"title"},
        "ol": {"start", "reversed"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan", "scope"},
        "time": {"datetime"},
    },
    url_schemes={"http", "https", "mailto"},
    # No target is kept, so a link never opens a window that rel="noopener" would guard; and nh3 would
    # add rel to a link whose javascript: href it removed, which HTML forbids.
    link_rel=None,
)
TAG = re.compile(r"<[^>]+>")

CELL_MAGIC_LANGUAGES = {
    "bash": "bash", "sh": "bash", "html": "html", "javascript": "javascript", "js": "javascript",
    "latex": "latex", "markdown": "markdown", "sql": "sql", "R": "r", "ruby": "ruby", "perl": "perl",
    "svg": "xml",
}  # fmt: skip
QUARTO_OPTION = re.compile(r"#\|\s*([\w-]+)\s*:\s*(.*)")
FOLDED = {"input": "Show the code", "output": "Show the output"}
# One formatter for every cell: making one computes its style's CSS, which takes longer than a cell.
CODE_FORMATTER = HtmlFormatter(cssclass="highlight")


def render_cells(notebook, cells, source_path, settings, markdown_to_html):
    """The HTML of some of a notebook's cells (nbformat 4), in one <div class="notebook">."""
    return NotebookPage(notebook, source_path, settings, markdown_to_html).html(cells)


class NotebookPage:
    """Renders the cells of one notebook: what they share is its language, its file, the site's settings."""

    def __init__(self, notebook, source_path, settings, markdown_to_html):
        self.source_path = source_path
        self.settings = settings
        self.markdown_to_html = markdown_to_html
        self.lexer = notebook_lexer(notebook.get("metadata", {}))

    def html(self, cells):
        markdown = iter(self.markdown_cells(cells))
        parts = []
        for cell in cells:
            kind = cell.get("cell_type")
            if kind == "markdown":
                parts.append(next(markdown))
            elif kind == "code":
                parts.append(self.code_cell(cell))
            elif kind == "raw":
                parts.append(self.raw_cell(cell))
        return '<div class="notebook">\n' + "\n".join(part for part in parts if part) + "\n</div>\n"

    # Markdown ---------------------------------------------------------------------------------

    def markdown_cells(self, cells):
        """The HTML of every Markdown cell, converted as one document, then cut back into cells.

        A cell that leaves something open (an HTML block without its end tag) swallows the cells after it:
        then each cell is converted on its own, as Jupyter shows them."""
        sources = [self.with_attachments(cell) for cell in cells if cell.get("cell_type") == "markdown"]
        if len(sources) < 2:
            return [self.markdown_to_html(source) for source in sources]
        marker = "notebookcell" + hashlib.sha256("".join(sources).encode()).hexdigest()[:16]
        document = self.markdown_to_html(f"\n\n{marker}\n\n".join(sources))
        pieces = re.split(rf"\s*<p>{marker}</p>\s*", document)
        if len(pieces) == len(sources):
            return pieces
        return [self.markdown_to_html(source) for source in sources]

    def with_attachments(self, cell):
        """A Markdown cell's text, each `attachment:name` it shows replaced by the address of its file."""
        source = notebook_text.joined(cell.get("source"))
        for name, bundle in (cell.get("attachments") or {}).items():
            media_type = next((kind for kind in IMAGES if kind in bundle), None)
            data = media_type and notebook_files.image_bytes(bundle[media_type], media_type)
            if data:
                url = notebook_files.keep(data, media_type, self.settings)
                for written in {name, name.replace(" ", "%20")}:
                    source = source.replace(f"attachment:{written}", url)
        return source

    # Code -------------------------------------------------------------------------------------

    def code_cell(self, cell):
        options, code = quarto_options(notebook_text.joined(cell.get("source")))
        tags = set(cell.get("metadata", {}).get("tags") or [])
        jupyter = cell.get("metadata", {}).get("jupyter") or {}
        if tagged(tags, "remove-cell") or options.get("include") == "false":
            return ""
        count = cell.get("execution_count")
        parts = []
        if code.strip() and not (tagged(tags, "remove-input") or options.get("echo") == "false"):
            folded = tagged(tags, "hide-input", "hide-cell") or jupyter.get("source_hidden")
            parts.append(fold(self.code_input(code, count), "input" if folded else None))
        outputs = cell.get("outputs") or []
        if outputs and not (tagged(tags, "remove-output") or options.get("output") == "false"):
            shown = self.outputs(outputs, cell, options)
            folded = tagged(tags, "hide-output", "hide-cell") or jupyter.get("outputs_hidden")
            parts.append(fold(shown, "output" if folded else None) if shown else "")
        if not any(parts):
            return ""
        return '<div class="notebook-cell">\n' + "\n".join(part for part in parts if part) + "\n</div>"

    def code_input(self, code, count):
        lexer = magic_lexer(code) or self.lexer
        coloured = highlight(code, lexer, CODE_FORMATTER)
        # As the site's code blocks: a long line scrolls, so the block takes keyboard focus.
        coloured = coloured.replace(
            '<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">', 1
        )
        return f'<div class="notebook-input">\n{prompt("In ", "Input", count)}\n{coloured.strip()}\n</div>'

    def raw_cell(self, cell):
        metadata = cell.get("metadata", {})
        media_type = metadata.get("raw_mimetype") or metadata.get("format") or ""
        source = notebook_text.joined(cell.get("source"))
        if media_type == "text/html":
            return self.html_output(source, cell)
        if media_type == "text/markdown":
            return self.markdown_to_html(source)
        return ""  # a raw cell for LaTeX or reST exports: not for a page

    # Outputs ----------------------------------------------------------------------------------

    def outputs(self, outputs, cell, options):
        shown = []
        for output in streams_merged(outputs):
            kind = output.get("output_type")
            if kind == "stream":
                shown.append(self.stream(output, cell))
            elif kind == "error":
                shown.append(self.error(output, cell))
            elif kind in ("execute_result", "display_data"):
                shown.append(self.rich_output(output, cell, options))
        return "\n".join(part for part in shown if part)

    def stream(self, output, cell):
        text = notebook_text.as_terminal_shows(notebook_text.joined(output.get("text")))
        if output.get("name") == "stderr":
            return self.text_block(text, cell, "notebook-stderr", label="Standard error:")
        return self.text_block(text, cell, "notebook-stdout")

    def error(self, output, cell):
        lines = output.get("traceback") or [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return self.text_block("\n".join(lines), cell, "notebook-error", label="Error:")

    def text_block(self, text, cell, kind, label=None, before=""):
        if not text.strip():
            return ""
        cut = self.cut_short(text, cell)
        said = f'<span class="visually-hidden">{label}</span>' if label else ""
        note = notebook_text.cut_note(cut) if cut.was_cut else ""
        body = notebook_text.terminal_html(cut.text.rstrip("\n"))
        return f'<div class="notebook-output {kind}">{before}{said}<pre tabindex="0">{body}</pre>{note}</div>'

    def rich_output(self, output, cell, options):
        data = output.get("data") or {}
        before = ""
        if output.get("output_type") == "execute_result":
            before = prompt("Out", "Output", output.get("execution_count")) + "\n"
        for media_type in PREFERENCE:
            if media_type not in data:
                continue
            value = data[media_type]
            if media_type == "text/plain":
                text = notebook_text.joined(value)
                return self.text_block(text, cell, "notebook-result", before=before)
            if media_type in IMAGES:
                shown = self.image(value, media_type, output.get("metadata", {}), cell, options)
            elif media_type == "text/html":
                shown = self.html_output(notebook_text.joined(value), cell)
            elif media_type == "text/markdown":
                shown = block("notebook-markdown", self.markdown_to_html(notebook_text.joined(value)))
            else:
                shown = block("notebook-math", self.markdown_to_html(as_math(notebook_text.joined(value))))
            if shown:
                return before + shown if before else shown
        return ""

    def html_output(self, html, cell):
        """An HTML output made safe; "" when nothing is left to see (a chart drawn by a script)."""
        cut = self.cut_short(html, cell, count_lines=False)
        safe = HTML_OUTPUT.clean(cut.text).strip()
        if not TAG.sub("", safe).strip() and "<td" not in safe:
            return ""
        note = notebook_text.cut_note(cut) if cut.was_cut else ""
        # The output scrolls sideways on its own, as a wide table needs: so it takes keyboard focus.
        return f'<div class="notebook-output notebook-html" tabindex="0">\n{safe}\n{note}</div>'

    def image(self, value, media_type, metadata, cell, options):
        data = notebook_files.image_bytes(value, media_type)
        if not data:
            return ""
        url = notebook_files.keep(data, media_type, self.settings)
        caption = options.get("fig-cap", "")
        alt = options.get("fig-alt") or caption
        if not alt:
            self.report(
                cell,
                f"has a figure without a description in the code cell {cell_name(cell)}: add the line "
                '"#| fig-alt: what the figure shows" at the top of that cell.',
                note=not self.settings.get("REQUIRE_ALT_TEXT"),
                counted_as=post_html.WITHOUT_ALT_TEXT,
            )
        size = notebook_files.image_size(data, media_type, metadata.get(media_type) or {})
        sizes = f' width="{size[0]}" height="{size[1]}"' if size else ""
        img = f'<img src="{escape(url)}" alt="{escape(alt)}"{sizes} loading="lazy" decoding="async">'
        if caption:
            figure = f'<figure class="notebook-output notebook-image">{img}'
            return f"{figure}<figcaption>{escape(caption, quote=False)}</figcaption></figure>"
        return f'<div class="notebook-output notebook-image">{img}</div>'

    def cut_short(self, text, cell, count_lines=True):
        cut = notebook_text.cut_short(text, self.settings, count_lines=count_lines)
        if cut.was_cut:
            self.report(
                cell,
                f"has an output of {cut.lines:,} lines ({cut.size:,} bytes) "
                f"in the code cell {cell_name(cell)}: "
                "the page shows its start.",
                note=True,
            )
        return cut

    def report(self, cell, message, note=False, counted_as=""):
        first_line = notebook_text.joined(cell.get("source")).split("\n", 1)[0]
        # The notebook is JSON: the line is found by the cell's first line as JSON writes it.
        near = json.dumps(first_line)[1:-1] if first_line.strip() else None
        problems.report(self.source_path, message, near=near, note=note, counted_as=counted_as)


# Helpers --------------------------------------------------------------------------------------


def prompt(word, spoken, count):
    """Jupyter's "In [3]:", shown; screen readers say "Input 3" instead."""
    shown = f"{word}[{count if count is not None else ' '}]:"
    said = f"{spoken} {count}" if count is not None else f"{spoken}, not run"
    return (
        f'<div class="notebook-prompt"><span aria-hidden="true">{shown}</span>'
        f'<span class="visually-hidden">{said}</span></div>'
    )


def fold(html, part):
    """A part of a cell the notebook hides, folded: the reader opens it, without any script."""
    if part is None:
        return html
    return f'<details class="notebook-folded">\n<summary>{FOLDED[part]}</summary>\n{html}\n</details>'


def block(kind, html):
    return f'<div class="notebook-output {kind}">\n{html}\n</div>' if html.strip() else ""


def as_math(latex):
    """LaTeX output as the site's Markdown writes math: a display formula unless already delimited."""
    latex = latex.strip()
    if latex.startswith(("$", "\\[", "\\(")):
        return latex
    return f"$$\n{latex}\n$$"


def tagged(tags, *names):
    """Jupyter Book writes tags with hyphens (remove-cell), nbconvert with underscores (remove_cell)."""
    return any(name in tags or name.replace("-", "_") in tags for name in names)


def cell_name(cell):
    count = cell.get("execution_count")
    return f"In [{count}]" if count is not None else "that was not run"


def quarto_options(code):
    """Quarto's `#| key: value` lines at the top of a code cell, and the code without them."""
    options = {}
    lines = code.split("\n")
    while lines and (option := QUARTO_OPTION.fullmatch(lines[0].strip())):
        options[option.group(1)] = option.group(2).strip().strip("\"'")
        lines.pop(0)
    return options, "\n".join(lines)


def streams_merged(outputs):
    """Outputs with consecutive prints to one stream joined, as Jupyter shows them: one block."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            text = notebook_text.joined(previous.get("text")) + notebook_text.joined(output.get("text"))
            merged[-1] = {**previous, "text": text}
        else:
            merged.append(output)
    return merged


lexers = {}  # name -> Pygments lexer: looking one up takes longer than colouring a short cell


def lexer_named(name):
    if name not in lexers:
        try:
            lexers[name] = get_lexer_by_name(name)
        except ClassNotFound:
            lexers[name] = None
    return lexers[name]


def notebook_lexer(metadata):
    """The notebook's language, as Jupyter stores it; Python, the usual one, when it says none."""
    language_info = metadata.get("language_info") or {}
    kernelspec = metadata.get("kernelspec") or {}
    for name in (language_info.get("pygments_lexer"), language_info.get("name"), kernelspec.get("language")):
        if name and lexer_named(str(name).lower()):
            return lexer_named(str(name).lower())
    return lexer_named("python")


def magic_lexer(code):
    """A cell that starts with `%%bash` (or another language's cell magic) is in that language."""
    if not code.startswith("%%"):
        return None
    magic = code[2:].split(None, 1)[0] if code[2:].strip() else ""
    language = CELL_MAGIC_LANGUAGES.get(magic)
    return lexer_named(language) if language else None
