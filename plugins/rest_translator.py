"""The site's changes to a reStructuredText post, made by the HTML translator docutils writes it with.

The same changes as in Markdown (plugins/markdown_extension.py), through the same functions
(plugins/post_html.py and plugins/mathml.py): author notes (reST comments) left out, images described, code blocks focusable,
typography on every run of text but code and math, HTML written as it is checked as in Markdown. Sizes
are attributes, never `style=`, which the site's Content-Security-Policy forbids.

Docutils makes the translator itself; it finds the file being read, and the build's settings, in the
document's settings, where the reader puts them (DOCUTILS_KEY).
"""

import docutils.nodes
from docutils.writers import html5_polyglot

from plugins import post_html
from plugins.mathml import RstFormulas
from plugins.typography import RunningText

DOCUTILS_KEY = "site_file_being_read"
# Text inside these is shown as typed: no typography.
VERBATIM = (
    docutils.nodes.literal,
    docutils.nodes.literal_block,
    docutils.nodes.doctest_block,
    docutils.nodes.math,
    docutils.nodes.math_block,
    docutils.nodes.raw,
)
# Where a quote at the start of the text opens, whatever came before.
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "figcaption"}


class HTMLTranslator(RstFormulas, html5_polyglot.HTMLTranslator):
    """Docutils' HTML5, with the site's changes; its math as Markdown's is (plugins/mathml.py)."""

    def __init__(self, document):
        super().__init__(document)
        self.file = getattr(document.settings, DOCUTILS_KEY)
        self.images = post_html.PageImages(self.file)
        self.running_text = RunningText(self.file.settings.get("TYPOGRAPHY", True))

    def visit_Text(self, node):
        if any(isinstance(ancestor, VERBATIM) for ancestor in ancestors(node)):
            self.running_text.skip(node.astext())
            super().visit_Text(node)
        else:
            super().visit_Text(docutils.nodes.Text(self.running_text.typeset(node.astext())))

    def visit_image(self, node):
        attributes = {"src": node["uri"], "alt": node.get("alt", "")}
        for side in ("width", "height"):
            if post_html.pixels(node.get(side)):  # an attribute holds pixels; % or em is the stylesheet's
                attributes[side] = node[side]
        if "align" in node:
            node["classes"].append(f"align-{node['align']}")
        described, picture = self.images.render(attributes, "rst")
        if picture:
            classes = " ".join(node["classes"])
            self.body.append(
                picture.to_html({**post_html.loading(described), **({"class": classes} if classes else {})})
            )
        else:
            self.body.append(self.emptytag(node, "img", "", **described))

    def depart_image(self, node):
        pass

    def starttag(self, node, tagname, suffix="\n", empty=False, **attributes):
        # Docutils sizes figures and tables with style=, which the Content-Security-Policy forbids;
        # images carry their size as attributes, and the stylesheet lays the rest out.
        attributes.pop("style", None)
        if tagname in BLOCKS:
            self.running_text.start_block()
        return super().starttag(node, tagname, suffix, empty, **attributes)

    def visit_comment(self, node):
        raise docutils.nodes.SkipNode  # a note for the author

    def visit_literal_block(self, node):
        start = len(self.body)
        super().visit_literal_block(node)
        self.body[start] = self.body[start].replace("<pre", '<pre tabindex="0"', 1)

    def visit_raw(self, node):
        if "html" in node.get("format", "").split():
            html = node.astext()
            # Pelican's code-block directive highlights with Pygments' own <pre>.
            html = html.replace('<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">')
            self.body.append(post_html.RawHTML(self.file.path, self.images.render_raw).rewrite(html))
        raise docutils.nodes.SkipNode

    def visit_abbreviation(self, node):
        # Pelican's :abbr:`HTML (HyperText Markup Language)` role.
        attributes = {"title": node["explanation"]} if node.hasattr("explanation") else {}
        self.body.append(self.starttag(node, "abbr", "", **attributes))

    def depart_abbreviation(self, node):
        self.body.append("</abbr>")


def ancestors(node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


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
