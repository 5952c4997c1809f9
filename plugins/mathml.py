"""Math in posts as MathML, made at build time: the page needs no script and no web font.

A post writes TeX as the render_math plugin's users do, and `MathML(current_file, settings)`, a
Python-Markdown extension, turns each formula into a `<math>` element:

- `$…$` and `\\(…\\)` are inline; `$$…$$`, `\\[…\\]` and a bare `\\begin{…}…\\end{…}` are displayed,
  `<math display="block">`, in a `<span class="math-display" tabindex="0">` that the stylesheet
  scrolls when the formula is wider than the column. A displayed formula that is a block of its
  own (in a list item or a quote too) stands alone; one inside a paragraph stays in it, as in TeX.
- Money stays text, by pandoc's rule: an opening `$` is followed by a non-space, a closing `$` is
  preceded by one and not followed by a digit, so "$5 and $10" is no formula. `\\$` is a dollar.
- Code is never read as math: fenced code is set aside before any of this runs, indented code is
  taken by Markdown's own block processor first, and code spans by `backtick`, which runs first.

The stage: Markdown's inline processors run one after another over a paragraph's text, each
replacing what it matches with a placeholder the later ones skip. The formulas are matched after
`backtick` (190) and before `escape` (180), which would eat the backslash of `\\(` and `\\\\`, and so
before emphasis, links and raw HTML: `$a_1 * b_2$` keeps its underscores and asterisks. A
displayed formula that fills its block is taken by a block processor placed just below `code`.
Every text inside the MathML is an AtomicString, which no later processor rewrites.

A formula becomes MathML in plugins/tex_to_mathml.py. One it cannot convert is a problem of the
file, at the line of the command at fault, and is shown as its TeX source in a `<code>`, so the
post still builds. `RstFormulas` does the same for reST's `:math:` and `.. math::`.
"""

import re
from collections import Counter
from xml.etree import ElementTree

import docutils.nodes
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.serializers import to_html_string
from markdown.util import AtomicString

from plugins import problems
from plugins.tex_to_mathml import FormulaError, formula

# The forms of a formula, each with its TeX in the group "tex". `(?<!\\)`: an escaped delimiter
# (`\$`, `\\(`) opens nothing. Inside a formula a backslash always takes the next character with
# it, so `\$` or `\\]` never closes one.
DOLLARS = re.compile(r"(?<!\\)\$\$(?P<tex>(?:[^$\\]|\\.)+?)\$\$", re.DOTALL)
BRACKETS = re.compile(r"(?<!\\)\\\[(?P<tex>(?:[^\\]|\\.)+?)\\\]", re.DOTALL)
PARENTHESES = re.compile(r"(?<!\\)\\\((?P<tex>(?:[^\\]|\\.)+?)\\\)", re.DOTALL)
# Pandoc's rule, which keeps "$5 and $10" text.
DOLLAR = re.compile(r"(?<![\\$])\$(?![\s$])(?P<tex>(?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)", re.DOTALL)
ENVIRONMENT = re.compile(r"(?<!\\)(?P<tex>\\begin\{(?P<name>[A-Za-z]+\*?)\}.+?\\end\{(?P=name)\})", re.DOTALL)
ESCAPED_DOLLAR = re.compile(r"\\\$")
DISPLAYED_FORMS = (DOLLARS, BRACKETS, ENVIRONMENT)
# (pattern, displayed, priority): between `backtick` (190) and `escape` (180). `$$` before `$`; a
# bare environment last, so that one inside `$…$` (a pmatrix) stays part of that formula.
FORMS = (
    (DOLLARS, True, 189),
    (BRACKETS, True, 188),
    (PARENTHESES, False, 187),
    (DOLLAR, False, 186),
    (ENVIRONMENT, True, 185),
)


def formula_html(tex, display=False):
    """A formula as a page holds it (see `on_page`), as HTML serialized as Python-Markdown serializes
    it; raises FormulaError."""
    return to_html_string(on_page(formula(tex, display)))


def on_page(math):
    """A formula as a page holds it: a displayed one inside a `<span class="math-display">` box.

    The box scrolls a formula wider than the column (the stylesheet says so), and takes keyboard
    focus, as a code block does, so that a wide one scrolls without a mouse too (WCAG 2.1.1). The
    Nu HTML Checker allows tabindex on no MathML element, and a span may stand in a paragraph."""
    if math.get("display") != "block":
        return math
    box = ElementTree.Element("span", {"class": "math-display", "tabindex": "0"})
    box.append(math)
    return box


class FormulaProblems:
    """The formula problems of one file, each reported at its line.

    A problem is put at the line of the command at fault, else at the formula's first line of TeX;
    the n-th problem a text locates, at the n-th occurrence of that text in the file."""

    def __init__(self):
        self.seen = Counter()  # how many problems each locating text has had so far

    def clear(self):
        self.seen.clear()

    def report(self, path, error, tex, source):
        near = error.near or tex.strip().splitlines()[0]
        line = line_of_occurrence(path, near, self.seen[near])
        self.seen[near] += 1
        which = "a formula that" if error.near else f"a formula, {' '.join(source.split())}, that"
        problems.report(path, f"has {which} {error}.", line=line, near=near)


def source_element(source):
    """A formula that could not be converted, shown as the TeX the author wrote."""
    code = ElementTree.Element("code")
    code.text = AtomicString(source)
    return code


def line_of_occurrence(path, text, occurrence):
    """The line of a file on which `text` occurs for the occurrence-th time (counting from 0), or 0."""
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            content = source.read()
    except OSError:
        return 0
    position = -1
    for _ in range(occurrence + 1):
        position = content.find(text, position + 1)
        if position < 0:
            return 0
    return content.count("\n", 0, position) + 1


class FormulaProcessor(InlineProcessor):
    """One form of formula in a paragraph's text, as MathML."""

    def __init__(self, pattern, display, extension):
        super().__init__(pattern.pattern)  # Markdown compiles it again, with the same flags
        self.display = display
        self.extension = extension

    def handleMatch(self, m, data):
        return self.extension.element_for(m.group("tex"), self.display, m.group(0)), m.start(0), m.end(0)


class EscapedDollarProcessor(InlineProcessor):
    """`\\$` is a dollar sign, never a formula's delimiter."""

    def handleMatch(self, m, data):
        return "$", m.start(0), m.end(0)


class DisplayedBlockProcessor(BlockProcessor):
    """A block that is one displayed formula and nothing else: a `<math display="block">` of its own."""

    def __init__(self, parser, extension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block):
        return self.whole_formula(block) is not None

    def run(self, parent, blocks):
        block = blocks.pop(0).strip()
        element = self.extension.element_for(self.whole_formula(block).group("tex"), True, block)
        if element.tag == "code":  # the TeX source, as a paragraph of its own
            ElementTree.SubElement(parent, "p").append(element)
        else:
            parent.append(element)

    @staticmethod
    def whole_formula(block):
        """The match of the formula the block is, from its first character to its last, or None."""
        block = block.strip()
        for form in DISPLAYED_FORMS:
            match = form.match(block)
            if match and match.end() == len(block):
                return match
        return None


class MathML(Extension):
    """TeX formulas as MathML; a formula the converter cannot read is a problem of the file.

    `current_file.path` is the file being converted when the processors run; `settings` are the
    build's (none of them changes what this extension does yet)."""

    def __init__(self, current_file, settings):
        super().__init__()
        self.current_file = current_file
        self.settings = settings
        self.formula_problems = FormulaProblems()  # this file's

    def extendMarkdown(self, md):
        md.registerExtension(self)  # so that md.reset() calls reset() between files
        # Below `code` (80), which keeps an indented block code; above the processors that could
        # read a line of a formula as a table, heading, rule, list or quote.
        md.parser.blockprocessors.register(DisplayedBlockProcessor(md.parser, self), "mathml_block", 76)
        for pattern, display, priority in FORMS:
            md.inlinePatterns.register(
                FormulaProcessor(pattern, display, self), f"mathml_{priority}", priority
            )
        # After the formulas, which keep a `\$` inside them as TeX's own dollar.
        md.inlinePatterns.register(
            EscapedDollarProcessor(ESCAPED_DOLLAR.pattern), "mathml_escaped_dollar", 184
        )

    def reset(self):
        self.formula_problems.clear()

    def element_for(self, tex, display, source):
        """A formula as a page holds it; or, once the reason is reported, its source in a <code>."""
        try:
            return on_page(formula(tex, display))
        except FormulaError as error:
            self.formula_problems.report(self.current_file.path, error, tex, source)
            return source_element(source)


# reStructuredText -------------------------------------------------------------------------------


class RstFormulas:
    """`:math:` and `.. math::` written as the Markdown extension writes them, problems reported alike.

    Mixed into a docutils HTML translator, before it among the bases:
    `class HTMLTranslator(RstFormulas, html5_polyglot.HTMLTranslator)`. Without it, docutils (0.22
    on) writes MathML too, but indented, a displayed one inside a bare <div>, fractions the Nu HTML
    Checker rejects (\\dfrac), and an unknown command as a warning that stops the file's reading."""

    def __init__(self, document, *arguments, **options):
        super().__init__(document, *arguments, **options)
        self.formula_problems = FormulaProblems()

    def visit_math(self, node):
        self.body.append(self.formula_markup(node, display=False))
        raise docutils.nodes.SkipNode

    def visit_math_block(self, node):
        self.body.append(self.formula_markup(node, display=True) + "\n")
        raise docutils.nodes.SkipNode

    def formula_markup(self, node, display):
        tex = node.astext()
        try:
            return formula_html(tex, display)
        except FormulaError as error:
            self.formula_problems.report(self.document.get("source", ""), error, tex, tex)
            code = to_html_string(source_element(tex))
            return f"<p>{code}</p>" if display else code
