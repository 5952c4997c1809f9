"""Jupyter notebooks as posts and pages, and embedded in Markdown posts: read from their JSON, never run.

`NotebookReader` reads `name.ipynb` as a post (the main engineer registers it at `readers_init`);
`embed_notebook()` gives the same HTML for `{% notebook path cells[a:b] %}` in a Markdown post. The
cells become HTML in plugins/notebook_html.py; the images of their outputs are written with the site
by plugins/notebook_files.py, whose generator `register()` connects.

A notebook is plain JSON, read with `json`: the `nbformat` package would bring jsonschema and
Jupyter's configuration system (traitlets, jupyter_core) to validate what is only read here.
nbformat 4 is read as it is; nbformat 3, which older blogs hold, is read as Jupyter reads it
(worksheets flattened, heading cells made Markdown headings, "pyout" a result, "pyerr" an error);
older ones are a problem saying to open and save them in Jupyter, which upgrades them.

Metadata, as pelican-jupyter's users wrote it, each later source overriding an earlier one:

1. the notebook's own JSON metadata: "title", "date", "tags" and Pelican's other fields (nbformat's
   own "authors", a list of {"name": …}, too); its other keys (kernelspec…) are Jupyter's;
2. with IPYNB_MARKUP_USE_FIRST_CELL (or the older IPYNB_USE_METACELL) on, the first cell, in
   Markdown: `# The title` and `- Date: 2024-05-01` lines; that cell is then not shown;
3. the side file beside the notebook, `name.nbdata` (or the older `name.ipynb-meta`): `Key: value`
   lines, as a Markdown post's front matter.

`Subcells: [2, 10]` shows only those cells, as in pelican-jupyter. A notebook without a Title or
Date is read all the same: the site's checks report what it lacks.
"""

import ast
import json
import os
import re
from datetime import datetime
from typing import ClassVar

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pelican import signals
from pelican.readers import BaseReader

from plugins import notebook_files, notebook_html, notebook_text, problems

SIDE_FILE_EXTENSIONS = (".nbdata", ".ipynb-meta")  # the first one found is read
# The keys of a notebook's JSON metadata that are Pelican's; pelican-jupyter read the first six.
NOTEBOOK_FIELDS = {
    "title", "date", "category", "tags", "slug", "author",
    "authors", "subtitle", "modified", "summary", "status", "lang", "translation", "url", "save_as",
    "aliases", "toc", "image", "image_alt", "subcells",
}  # fmt: skip
FIELD_LINE = re.compile(r"([A-Za-z][\w-]*)\s*:\s*(.*)")
V3_MEDIA_TYPES = {
    "text": "text/plain", "html": "text/html", "markdown": "text/markdown", "latex": "text/latex",
    "svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg", "json": "application/json",
    "javascript": "application/javascript", "pdf": "application/pdf",
}  # fmt: skip


class NotebookError(Exception):
    """A notebook file that cannot be read; the message names it and says why."""

    def __init__(self, message, reason="", line=0):
        super().__init__(message)
        self.reason = reason or message  # the message without the file's name, for a problem of that file
        self.line = line


def unreadable(path, reason, line=0):
    return NotebookError(f"the notebook {problems.shown(path)} {reason}", reason, line)


# Reading the JSON -------------------------------------------------------------------------------


def load_notebook(path):
    """The notebook in a file, in nbformat 4's shape; NotebookError if it is missing or not a notebook."""
    try:
        with open(path, "rb") as source:
            data = source.read()
    except FileNotFoundError:
        raise unreadable(path, "does not exist") from None
    except OSError as error:
        raise unreadable(path, f"cannot be read ({error.strerror})") from None
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise unreadable(path, f"is not UTF-8 (line {line}): save it from Jupyter again.", line) from None
    except json.JSONDecodeError as error:
        reason = f"is not valid JSON ({error.msg}, line {error.lineno}): a notebook Jupyter saved is."
        raise unreadable(path, reason, error.lineno) from None
    if not isinstance(notebook, dict) or "nbformat" not in notebook:
        raise unreadable(path, "is JSON, but not a Jupyter notebook: it has no nbformat.")
    version = notebook["nbformat"]
    if version == 3:
        return from_nbformat_3(notebook)
    if version != 4 or not isinstance(notebook.get("cells"), list):
        raise unreadable(path, f"is in nbformat {version}: open it in Jupyter and save it, as nbformat 4.")
    return notebook


def from_nbformat_3(notebook):
    """An nbformat 3 notebook in nbformat 4's shape: one list of cells, outputs keyed by media type."""
    cells = [
        cell_from_nbformat_3(cell)
        for worksheet in notebook.get("worksheets") or []
        for cell in worksheet.get("cells") or []
    ]
    metadata = dict(notebook.get("metadata") or {})
    metadata.pop("name", None)  # the notebook's file name, not a title
    languages = [
        cell.get("language")
        for worksheet in notebook.get("worksheets") or []
        for cell in worksheet.get("cells") or []
    ]
    language = next((name for name in languages if name), None)
    if language:
        metadata.setdefault("language_info", {"name": language})
    return {"nbformat": 4, "metadata": metadata, "cells": cells}


def cell_from_nbformat_3(cell):
    kind = cell.get("cell_type")
    if kind == "heading":
        title = " ".join(notebook_text.joined(cell.get("source")).split())
        return {"cell_type": "markdown", "metadata": {}, "source": "#" * cell.get("level", 1) + " " + title}
    if kind == "html":
        return {**cell, "cell_type": "markdown"}
    if kind != "code":
        return cell
    return {
        "cell_type": "code",
        "metadata": cell.get("metadata") or {},
        "source": cell.get("input", ""),
        "execution_count": cell.get("prompt_number"),
        "outputs": [output_from_nbformat_3(output) for output in cell.get("outputs") or []],
    }


def output_from_nbformat_3(output):
    kind = output.get("output_type")
    if kind == "pyerr":
        return {**output, "output_type": "error"}
    if kind == "stream":
        return {
            "output_type": "stream",
            "name": output.get("stream", "stdout"),
            "text": output.get("text", ""),
        }
    if kind not in ("pyout", "display_data"):
        return output
    return {
        "output_type": "execute_result" if kind == "pyout" else "display_data",
        "execution_count": output.get("prompt_number"),
        "data": {V3_MEDIA_TYPES[key]: value for key, value in output.items() if key in V3_MEDIA_TYPES},
        "metadata": {
            V3_MEDIA_TYPES.get(key, key): value for key, value in (output.get("metadata") or {}).items()
        },
    }


# Metadata ---------------------------------------------------------------------------------------


def notebook_fields(notebook, path):
    """Pelican's fields in the notebook's JSON metadata: name -> (value, file, text to find its line)."""
    fields = {}
    for key, value in (notebook.get("metadata") or {}).items():
        name = key.lower()
        if name not in NOTEBOOK_FIELDS:
            continue
        if isinstance(value, list):  # "tags": ["a", "b"]; nbformat's "authors": [{"name": "A"}]
            value = ", ".join(item.get("name", "") if isinstance(item, dict) else str(item) for item in value)
        elif isinstance(value, dict):
            continue
        fields[name] = (str(value), path, json.dumps(key))
    return fields


def first_cell_fields(cell, path):
    """The first cell's fields: `# The title`, and `Key: value` lines (in a list or not)."""
    fields = {}
    for line in notebook_text.joined(cell.get("source")).splitlines():
        line = re.sub(r"^\s*[-*+]\s+", "", line).strip()
        heading = re.fullmatch(r"#+\s+(.*)", line)
        field = FIELD_LINE.fullmatch(line)
        if heading:
            fields["title"] = (heading.group(1), path, json.dumps(heading.group(1))[1:-1])
        elif field:
            fields[field.group(1).lower()] = (field.group(2), path, json.dumps(line)[1:-1])
    return fields


def side_file(notebook_path):
    base = os.path.splitext(notebook_path)[0]
    for extension in SIDE_FILE_EXTENSIONS:
        if os.path.isfile(base + extension):
            return base + extension
    return None


def side_file_fields(path):
    """`Key: value` lines, as a Markdown post's front matter; an indented line continues the one above."""
    fields = {}
    name = None
    with open(path, encoding="utf-8", errors="replace") as source:
        for number, line in enumerate(source, start=1):
            field = FIELD_LINE.fullmatch(line.strip())
            if line[:1] in (" ", "\t") and line.strip() and name:
                value, where, near = fields[name]
                fields[name] = (f"{value}\n{line.strip()}", where, near)
            elif field:
                name = field.group(1).lower()
                fields[name] = (field.group(2).strip(), path, field.group(2).strip() or line.strip())
            elif line.strip():
                problems.report(
                    path,
                    "has a line that is not a `Key: value` line: it is left out.",
                    line=number,
                    note=True,
                )
    return fields


def cell_range(value, path, near):
    """`Subcells: [2, 10]` (as pelican-jupyter reads it) as a slice; a problem if it is not two numbers."""
    try:
        start, end = ast.literal_eval(value)
        return slice(start, end)
    except (ValueError, SyntaxError, TypeError):
        problems.report(path, f'has Subcells "{value}": write two cell numbers, as in [2, 10].', near=near)
        return None


# The reader -------------------------------------------------------------------------------------


class NotebookReader(BaseReader):
    """Reads `name.ipynb` into a post: its cells as HTML, its metadata from the notebook and its side file.

    `markdown_to_html` (a callable, text -> HTML) converts the Markdown cells and formatted fields
    (Summary); until it is set, the site's MARKDOWN settings are used. Pelican makes its readers after
    `readers_init`, so set it in a subclass's __init__, after this one's, or on the instance."""

    enabled = True
    file_extensions: ClassVar = ["ipynb"]
    markdown_to_html = None

    def __init__(self, settings):
        super().__init__(settings)
        self.default_markdown = None

    def converter(self):
        if self.markdown_to_html is not None:
            return self.markdown_to_html
        if self.default_markdown is None:
            self.default_markdown = site_markdown(self.settings)
        return self.default_markdown

    def read(self, source_path):
        fields = {}
        cells = []
        try:
            notebook = load_notebook(source_path)
        except NotebookError as error:
            problems.report(source_path, error.reason, line=error.line)
            notebook = None
        if notebook is not None:
            cells = notebook["cells"]
            fields.update(notebook_fields(notebook, source_path))
            first_cell = self.settings.get("IPYNB_MARKUP_USE_FIRST_CELL") or self.settings.get(
                "IPYNB_USE_METACELL"
            )
            if first_cell and cells:
                fields.update(first_cell_fields(cells[0], source_path))
                cells = cells[1:]
        side = side_file(source_path)
        if side:
            fields.update(side_file_fields(side))
        subcells = fields.pop("subcells", None)
        if subcells and (chosen := cell_range(*subcells)):
            cells = cells[chosen]
        metadata = self.processed(fields, source_path)
        metadata["jupyter_notebook"] = True  # as pelican-jupyter says it, for themes that style notebooks
        if notebook is None:
            return "", metadata
        return notebook_html.render_cells(
            notebook, cells, source_path, self.settings, self.converter()
        ), metadata

    def processed(self, fields, source_path):
        """Each field as Pelican's readers give it; a Summary (a formatted field) is Markdown."""
        metadata = {}
        for name, (value, where, near) in fields.items():
            if name in self.settings.get("FORMATTED_FIELDS", ()):
                value = self.converter()(value)
            try:
                metadata[name] = self.process_metadata(name, value)
            except ValueError:
                if name not in ("date", "modified"):
                    raise
                problems.report(
                    where,
                    f'has a {name.title()}, "{value}", that is not a date: write YYYY-MM-DD HH:MM.',
                    near=near,
                )
                if name == "date":  # dated by its file, so the build goes on to find any other problem
                    metadata[name] = datetime.fromtimestamp(os.path.getmtime(source_path))
        return metadata


def missing_metadata_advice(source_path, fields):
    """What to write for a notebook's missing Title or Date ("title", "date"), for the site's check."""
    side = os.path.basename(os.path.splitext(source_path)[0]) + SIDE_FILE_EXTENSIONS[0]
    lines = " and ".join(f'a "{field.title()}:" line' for field in fields)
    date = " (Date: YYYY-MM-DD HH:MM)" if "date" in fields else ""
    return f"add {lines}{date} to {side}, a file beside the notebook."


# Embedding, and the default Markdown ------------------------------------------------------------


def embed_notebook(path, cells, settings, *, markdown_to_html=None):
    """The HTML of a notebook's cells (`cells`: a slice, or None for all) for a post that embeds it.

    NotebookError, naming the file, if it is missing or not a notebook."""
    notebook = load_notebook(path)
    chosen = notebook["cells"][cells] if cells is not None else notebook["cells"]
    convert = markdown_to_html or site_markdown(settings)
    return notebook_html.render_cells(notebook, chosen, path, settings, convert)


def site_markdown(settings):
    """A converter with the site's MARKDOWN settings, its own Markdown instance reset for each text.

    Pelican's Markdown reader adds each configured extension to the list and the "meta" extension;
    here "meta" is left out, since it would take a cell's first `Note: …` line for front matter."""
    options = dict(settings.get("MARKDOWN") or {})
    configured = list(options.get("extension_configs") or {})
    named = [name for name in options.get("extensions") or [] if isinstance(name, str)]
    extensions = [name for name in dict.fromkeys(named + configured) if not name.endswith("meta")]
    others = [extension for extension in options.get("extensions") or [] if not isinstance(extension, str)]
    markdown = Markdown(**{**options, "extensions": [*extensions, *others, HeadingsUnderTitle()]})
    return lambda text: markdown.reset().convert(text)


class HeadingsUnderTitle(Extension):
    """A notebook that starts its headings at `#` has them one level down: the page's title is its <h1>."""

    def extendMarkdown(self, md):
        # Before "toc" (5), so heading ids and the table follow the new levels.
        md.treeprocessors.register(ShiftHeadings(md), "notebook_headings", 7)


class ShiftHeadings(Treeprocessor):
    def run(self, root):
        headings = [element for element in root.iter() if re.fullmatch(r"h[1-6]", str(element.tag))]
        if any(heading.tag == "h1" for heading in headings):
            for heading in headings:
                heading.tag = f"h{min(int(heading.tag[1]) + 1, 6)}"


def register():
    signals.get_generators.connect(notebook_files.get_generators)
    signals.content_written.connect(notebook_files.note_files_of_page)
