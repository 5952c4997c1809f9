"""TeX to MathML: what a formula becomes, the same for Markdown and reST (plugins/mathml.py finds them).

The converter is docutils' (docutils.utils.math.latex2mathml), the one reST's `:math:` and
`.. math::` use. It was chosen over the latex2mathml package: it raises an error naming a command it
does not know, where latex2mathml writes it into the formula as text; its MathML is meant for MathML
Core, with classes for the stylesheet where Core has no attribute (an aligned equation's columns),
where latex2mathml relies on attributes Chromium ignores (columnalign, mathvariant, linebreak) and
writes `\\begin{aligned}` as invalid markup; and it is already installed and pinned. It knows fewer
commands (no \\dots, \\big, align): for those it lacks, the error says what to write instead.
docutils calls that module provisional: requirements.txt pins docutils exactly, and
tests/test_mathml.py fails if an upgrade changes the output or the errors this module reads.

`formula()` gives the `<math>` element, tidied for Python-Markdown and the Nu HTML Checker, with two
faults of the converter's output mended; `FormulaError` says what is wrong and what to write.
"""

import functools
import html
import re
from xml.etree import ElementTree

from docutils.utils.math import MathError
from docutils.utils.math.latex2mathml import tex2mathml
from docutils.utils.math.unichar2tex import uni2tex_table
from markdown.util import AtomicString

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"

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
