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

The converter is docutils' TeX-to-MathML (docutils.utils.math.latex2mathml), the one reST's
`:math:` and `.. math::` already use: both formats give the same MathML, styled by one stylesheet,
and know the same commands. It raises an error naming a command it does not know, and so does
`formula()`: the extension reports it as a problem of the file, at the command's line, and shows
the formula as its TeX source in a `<code>`, so the post still builds.
"""

import functools
import html
import re
from collections import Counter
from xml.etree import ElementTree

import docutils.nodes
from docutils.utils.math import MathError
from docutils.utils.math.latex2mathml import tex2mathml
from docutils.utils.math.unichar2tex import uni2tex_table
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.serializers import to_html_string
from markdown.util import AtomicString

from plugins import problems

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"

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
# LaTeX's displayed-formula environments: their body is the formula, which the converter, given
# a display, lays out as align* does (rows split by \\, columns by &). Equation numbers are left out.
DISPLAY_ENVIRONMENT = re.compile(
    r"\s*\\begin\{(?P<name>equation|align)(?P<star>\*?)\}(?P<body>.*)\\end\{(?P=name)(?P=star)\}\s*",
    re.DOTALL,
)

# What to write for the commands and environments the converter lacks that posts use most.
COMMANDS_INSTEAD = {
    "dots": r"\ldots (or \cdots between operators)",
    "big": r"\bigl( and \bigr)",
    "Big": r"\Bigl( and \Bigr)",
    "bigg": r"\biggl( and \biggr)",
    "Bigg": r"\Biggl( and \Biggr)",
    "textbf": r"\mathbf{…}",
    "textit": r"\mathit{…}",
    "textsf": r"\mathsf{…}",
    "texttt": r"\mathtt{…}",
    "bm": r"\boldsymbol{…}",
    "iff": r"\Longleftrightarrow",
    "middle": r"\mid",
    "stackrel": r"\overset{…}{…}",
}
NOT_NUMBERED = "leave it out: formulas are not numbered here, so name the formula in the text"
COMMANDS_LEFT_OUT = {
    "color": "leave it out: a formula takes the colour of the text around it, in light and dark",
    "tag": NOT_NUMBERED,
    "label": NOT_NUMBERED,
    "ref": NOT_NUMBERED,
    "eqref": NOT_NUMBERED,
}
ENVIRONMENTS_INSTEAD = {
    "array": "matrix",
    "split": "aligned",
    "gather": "aligned",
    "multline": "aligned",
    "eqnarray": "aligned",
    "alignat": "aligned",
    "alignedat": "aligned",
    "dcases": "cases",
}
COMMAND_LIST = "https://docutils.sourceforge.io/docs/ref/rst/mathematics.html"

UNKNOWN_COMMAND = re.compile(r'Unknown LaTeX command "\\(?P<name>[^"]+)"')
UNKNOWN_ENVIRONMENT = re.compile(r'Environment "(?P<name>[^"]+)" not supported')
# The converter writes U+2061 (function application) as &ApplyFunction;, which XML does not define.
NAMED_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z][A-Za-z0-9]*;")
# The Nu HTML Checker validates MathML 3, which allows these attributes only on these elements;
# docutils also sets them on fractions (\dfrac, \tfrac) and on a styled group ({\textstyle x}).
STYLE_ALLOWED_ON = {"displaystyle": {"math", "mstyle", "mtable"}, "scriptlevel": {"math", "mstyle"}}


class FormulaError(ValueError):
    """A formula the converter cannot turn into MathML.

    `str(error)` completes "a formula that …": what is wrong and what to write instead. `near` is
    the text of the source at fault (an unknown command), or None when the converter names none."""

    def __init__(self, message, near=None):
        super().__init__(message)
        self.near = near


def formula(tex, display=False):
    """The MathML `<math>` element of a TeX formula, its texts AtomicStrings; raises FormulaError.

    `display` gives `<math display="block">`. A formula made of one LaTeX display environment
    (equation, align and their starred forms) is converted as its body. Symbols typed as
    themselves (≤, →) become their commands first, as docutils' HTML writer does for reST."""
    if display:
        environment = DISPLAY_ENVIRONMENT.fullmatch(tex)
        tex = environment.group("body") if environment else tex
    root = ElementTree.fromstring(converted(tex.translate(uni2tex_table).strip(), display))
    tidy(root)
    return root


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


@functools.lru_cache(maxsize=4096)
def converted(tex, display):
    """docutils' MathML for a formula, as XML text. Cached: a post repeats its `$x$`, a preview its posts."""
    try:
        markup = tex2mathml(tex, as_block=display)
    except MathError as error:
        raise FormulaError(*advice(str(error))) from error
    except Exception as error:
        # Some malformed TeX (an & outside any table) fails inside the converter, not with a MathError.
        raise FormulaError(*advice(f"{type(error).__name__}: {error}")) from error
    return NAMED_ENTITY.sub(lambda entity: html.unescape(entity.group(0)), markup)


def advice(error):
    """(message, near) for a converter's error: what is wrong and what to write instead; where."""
    command = UNKNOWN_COMMAND.search(error)
    if command:
        name = command.group("name")
        if name in COMMANDS_LEFT_OUT:
            return f"uses \\{name}: {COMMANDS_LEFT_OUT[name]}", f"\\{name}"
        unknown = f"uses \\{name}, a TeX command the MathML converter does not know"
        if name in COMMANDS_INSTEAD:
            return f"{unknown}: write {COMMANDS_INSTEAD[name]} instead", f"\\{name}"
        return f"{unknown}: check its spelling, or use one listed at {COMMAND_LIST}", f"\\{name}"
    environment = UNKNOWN_ENVIRONMENT.search(error)
    if environment:
        name = environment.group("name")
        instead = ENVIRONMENTS_INSTEAD.get(name.rstrip("*"), "aligned, cases or a matrix (pmatrix, bmatrix…)")
        return (
            f"uses the environment {name}, which the MathML converter does not know: write it with {instead}",
            f"\\begin{{{name}}}",
        )
    return (
        f"the MathML converter cannot read ({error.rstrip('.!?')}): check that each {{ has its }}, "
        r"each command its arguments, and that & and \\ are inside an environment such as aligned",
        None,
    )


def tidy(root):
    """The converter's MathML as Python-Markdown keeps it: plain tag names, no indentation, atomic texts."""
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{MATHML_NAMESPACE}}}")
        if len(element) and element.text and not element.text.strip():
            element.text = None  # indentation; a token's own text (<mtext> </mtext>) is kept
        if element.tail and not element.tail.strip():
            element.tail = None
        element.text = AtomicString(element.text) if element.text else None
        element.tail = AtomicString(element.tail) if element.tail else None
    root.set("xmlns", MATHML_NAMESPACE)
    subscript_accented_bases(root)  # first: an accent may be an <mo> with a style to wrap
    wrap_styles_in_mstyle(root)


def wrap_styles_in_mstyle(root):
    """Style attributes where the Nu HTML Checker wants them: on an <mstyle> around their element.

    MathML Core gives them the same meaning on every element, so the rendering does not change."""
    misplaced = []
    for parent in root.iter():
        for index, child in enumerate(parent):
            styles = {
                name: child.get(name)
                for name, allowed in STYLE_ALLOWED_ON.items()
                if child.get(name) is not None and child.tag not in allowed
            }
            if styles:
                misplaced.append((parent, index, child, styles))
    for parent, index, child, styles in misplaced:
        for name in styles:
            del child.attrib[name]
        wrapper = ElementTree.Element("mstyle", styles)
        wrapper.append(child)
        parent[index] = wrapper


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


def subscript_accented_bases(root):
    """A subscript beside an accented base, where docutils puts it under: \\hat{y}_i is ŷ with i beside.

    docutils writes such a formula as <munderover> (y, i under it, the accent over it); an operator
    with limits (\\sum, \\lim) is an <mo>, an accented base never is. Fixed in docutils, this finds none."""
    for element in list(root.iter("munderover")):
        base, subscript, accent = list(element)
        if base.tag != "mo" and accent.tag == "mo":
            accented = ElementTree.Element("mover", {"accent": "true"})
            accented.extend([base, accent])
            element.tag = "msub"
            element[:] = [accented, subscript]


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
