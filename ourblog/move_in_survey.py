"""What an old blog's posts use, found by reading their text: nothing is run, no reader, no plugin.

`survey(content_folder, filename_metadata, path_metadata)` reads every post, page and notebook of the
folder once and gives a Survey: each file's metadata fields (Markdown's `Key: value` lines, reST's `:key: value` fields, a
notebook's JSON metadata and its `.nbdata` side file) and what its text uses: Liquid tags (`{% img … %}`),
math (`$…$`, `\\(…\\)`, `:math:`), reST directives no docutils reader knows (`.. youtube::`), the summary
plugin's PELICAN_END_SUMMARY markers. Code (fenced, indented, `inline`) is left out first, where posts
show such things as text. ourblog/move_in_findings.py says what each means here.
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from plugins.notebooks import NOTEBOOK_FIELDS

MARKDOWN_EXTENSIONS = {".md", ".markdown", ".mkd", ".mdown"}
REST_EXTENSIONS = {".rst"}
NOTEBOOK_EXTENSIONS = {".ipynb"}
HTML_EXTENSIONS = {".html", ".htm"}
MARKDOWN_FIELD = re.compile(r"([A-Za-z][\w-]*):\s*(.*)")
REST_FIELD = re.compile(r":([A-Za-z][\w-]*):\s*(.*)")
HTML_FIELD = re.compile(r"<meta\s+name=\"([\w-]+)\"\s+content=\"([^\"]*)\"", re.IGNORECASE)
HTML_TITLE = re.compile(r"<title>", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INDENTED_CODE = re.compile(r"(?:^(?: {4}|\t).*\n?)+", re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]+`")
LIQUID_TAG = re.compile(r"(?<!\\)\{%\s*(\w+)")
# pandoc's rule, as plugins/mathml.py reads it: "$5 and $10" is money, "$x$" a formula.
MARKDOWN_MATH = re.compile(r"\$\$|\\\(|\\\[|\\begin\{|(?<![\\$])\$[^\s$](?:[^$]*?[^\s\\$])?\$(?!\d)")
REST_MATH = re.compile(r":math:`|^\s*\.\. math::", re.MULTILINE)
REST_DIRECTIVE = re.compile(r"^\s*\.\. ([\w:-]+)::", re.MULTILINE)
REST_LITERAL_BLOCK = re.compile(r"::\n\n(?:(?: {2,}|\t).*\n|\n)+")
SUMMARY_MARKER = re.compile(r"PELICAN_(?:BEGIN|END)_SUMMARY")
# The directives docutils and Pelican's reST reader know (docutils' "reStructuredText Directives").
KNOWN_DIRECTIVES = {
    "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning",
    "admonition", "image", "figure", "topic", "sidebar", "line-block", "parsed-literal", "code",
    "code-block", "sourcecode", "math", "rubric", "epigraph", "highlights", "pull-quote", "compound",
    "container", "table", "csv-table", "list-table", "contents", "sectnum", "section-numbering",
    "header", "footer", "target-notes", "meta", "replace", "unicode", "date", "include", "raw",
    "class", "role", "default-role", "title",
}  # fmt: skip


@dataclass
class SourceFile:
    """A post, page or notebook of the old blog, as its text shows it."""

    path: str  # relative to the content folder, with forward slashes
    kind: str  # "markdown", "rest", "notebook" or "html"
    fields: dict  # metadata field name, lowercased -> its value as written
    liquid_tags: list = field(default_factory=list)  # the names of its {% tags %}, in order, each once
    has_math: bool = False
    unknown_directives: list = field(default_factory=list)  # reST directives no reader here knows
    has_summary_marker: bool = False
    # What Pelican takes from its file name and folder (FILENAME_METADATA, PATH_METADATA): its date, lang…
    from_path: dict = field(default_factory=dict)

    @property
    def lang(self):
        return self.fields.get("lang") or self.from_path.get("lang") or ""

    def field_values(self, name):
        """A list field's values as Pelican splits them: by ";" when there is one, else by ","."""
        text = str(self.fields.get(name, ""))
        return [value.strip() for value in text.split(";" if ";" in text else ",") if value.strip()]


@dataclass
class Survey:
    files: list  # the SourceFiles, by path
    other_files: list  # the other files' paths (images, code, data…)

    def using(self, test):
        """The paths of the files `test(source_file)` is true for."""
        return [source.path for source in self.files if test(source)]

    def of_kind(self, kind):
        return [source for source in self.files if source.kind == kind]


def survey(content_folder, filename_metadata="", path_metadata=""):
    """Every file of the content folder but hidden ones, read once; the two patterns are the settings'."""
    folder = Path(content_folder)
    files, others = [], []
    for path in sorted(walk(folder)):
        relative = path.relative_to(folder).as_posix()
        extension = path.suffix.lower()
        if path.name.startswith("."):
            continue
        if extension in MARKDOWN_EXTENSIONS:
            files.append(markdown_file(relative, read_text(path)))
        elif extension in REST_EXTENSIONS:
            files.append(rest_file(relative, read_text(path)))
        elif extension in NOTEBOOK_EXTENSIONS:
            files.append(notebook_file(relative, path))
        elif extension in HTML_EXTENSIONS and HTML_TITLE.search(read_text(path)):
            files.append(html_file(relative, read_text(path)))
        else:
            others.append(relative)
            continue
        files[-1].from_path = metadata_from_path(relative, filename_metadata, path_metadata)
    return Survey(files, others)


def metadata_from_path(relative, filename_metadata, path_metadata):
    """The fields Pelican reads from a file's name (without extension) and from its path."""
    found = {}
    name = Path(relative).stem
    for pattern, text in ((filename_metadata, name), (path_metadata, relative)):
        matched = re.match(pattern, text) if pattern else None
        if matched:
            found.update({key: value for key, value in matched.groupdict().items() if value})
    return found


def walk(folder):
    for root, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in names:
            yield Path(root) / name


def read_text(path):
    return Path(path).read_text(encoding="utf-8", errors="replace")


def markdown_front_matter(text):
    """({field: value}, the rest): the `Key: value` lines Python-Markdown's meta extension reads."""
    lines = text.splitlines()
    fields, name, number = {}, None, 0
    if lines and lines[0].strip() == "---":  # the YAML-like delimiters the meta extension allows
        number = 1
    while number < len(lines):
        line = lines[number]
        found = MARKDOWN_FIELD.fullmatch(line.strip()) if not line.startswith((" ", "\t")) else None
        if found:
            name = found.group(1).lower()
            fields[name] = found.group(2).strip()
        elif name and line.startswith(("    ", "\t")) and line.strip():
            fields[name] += " " + line.strip()  # a value continued on the next line
        else:
            break
        number += 1
    if number < len(lines) and lines[number].strip() in ("---", "..."):
        number += 1
    return fields, "\n".join(lines[number:])


def without_code(text):
    return INLINE_CODE.sub("", INDENTED_CODE.sub("", FENCE.sub("", text)))


def markdown_file(path, text):
    fields, body = markdown_front_matter(text)
    prose = without_code(body)
    return SourceFile(
        path,
        "markdown",
        fields,
        liquid_tags=list(dict.fromkeys(LIQUID_TAG.findall(prose))),
        has_math=bool(MARKDOWN_MATH.search(prose)),
        has_summary_marker=bool(SUMMARY_MARKER.search(body)),
    )


def rest_fields(text):
    """The `:key: value` fields of a reST document's top, after its title."""
    fields, name, started = {}, None, False
    for line in text.splitlines():
        found = REST_FIELD.fullmatch(line.strip()) if not line.startswith((" ", "\t")) else None
        if found:
            started, name = True, found.group(1).lower()
            fields[name] = found.group(2).strip()
        elif started and name and line.startswith((" ", "\t")) and line.strip():
            fields[name] += " " + line.strip()
        elif started and line.strip():
            break  # the body begins
    return fields


def rest_file(path, text):
    prose = REST_LITERAL_BLOCK.sub("\n", text)
    directives = [name for name in REST_DIRECTIVE.findall(prose) if name.lower() not in KNOWN_DIRECTIVES]
    return SourceFile(
        path,
        "rest",
        rest_fields(text),
        has_math=bool(REST_MATH.search(prose)),
        unknown_directives=list(dict.fromkeys(directives)),
        has_summary_marker=bool(SUMMARY_MARKER.search(text)),
    )


def notebook_file(path, full_path):
    """A notebook's fields (its JSON metadata, then its side file's) and its Markdown cells' text."""
    try:
        notebook = json.loads(read_text(full_path))
    except ValueError:
        notebook = {}
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    # Its other keys (kernelspec, language_info…) are Jupyter's own.
    fields = {
        str(name).lower(): value for name, value in metadata.items() if str(name).lower() in NOTEBOOK_FIELDS
    }
    for side_file in (full_path.with_suffix(".nbdata"), full_path.with_suffix(".ipynb-meta")):
        if side_file.is_file():
            fields.update(markdown_front_matter(read_text(side_file))[0])
            break
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    markdown = "\n\n".join(
        "".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "markdown"
    )
    prose = without_code(markdown)
    return SourceFile(path, "notebook", fields, has_math=bool(MARKDOWN_MATH.search(prose)))


def html_file(path, text):
    return SourceFile(path, "html", {name.lower(): value for name, value in HTML_FIELD.findall(text)})
