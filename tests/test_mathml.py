"""Math as MathML (plugins/mathml.py, plugins/tex_to_mathml.py): Markdown and reST straight to the extension and the translator.

Each test converts a text with the site's own Markdown extensions plus MathML, as the Markdown
reader does, and reads what came out: the formulas' MathML, the text around them, the problems.
"""

import re
import shutil
from types import SimpleNamespace

import docutils.core
import pytest
from bs4 import BeautifulSoup
from docutils.utils.math import MathError
from docutils.utils.math.latex2mathml import tex2mathml
from docutils.writers import html5_polyglot
from markdown import Markdown
from pelican.settings import DEFAULT_CONFIG

from helpers import build_site, nu_checker_errors, require_tool
from ourblog import settings as project_settings
from plugins import mathml, problems, tex_to_mathml
from plugins.mathml import formula_html

ALPHA, REALS, NATURALS = (
    "\N{GREEK SMALL LETTER ALPHA}",
    "\N{DOUBLE-STRUCK CAPITAL R}",
    "\N{DOUBLE-STRUCK CAPITAL N}",
)
# TeX left in a page's text: a command, a dollar, a script's ^ or _{.
TEX_IN_TEXT = re.compile(r"\\[A-Za-z]|[$^]|_\{")


@pytest.fixture(autouse=True)
def collector():
    """A collector of this test's problems, as a build has."""
    problems.collector = problems.Collector()
    yield problems.collector
    problems.collector = None


@pytest.fixture
def post(tmp_path):
    """Convert a Markdown post's text, written to a file first (problems name its lines): its soup."""

    def convert(text, name="post.md"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        md = site_markdown(SimpleNamespace(path=str(path)))
        return BeautifulSoup(md.convert(text), "html.parser")

    return convert


def site_markdown(current_file):
    """One Markdown as the reader makes it: the site's MARKDOWN setting, plus the MathML extension."""
    configs = project_settings.MARKDOWN["extension_configs"]
    return Markdown(
        extensions=[*configs, mathml.MathML(current_file, DEFAULT_CONFIG)],
        extension_configs=configs,
        output_format=project_settings.MARKDOWN["output_format"],
    )


def children(element):
    """An element's child elements, without the strings between them."""
    return element.find_all(recursive=False)


def is_scrolling_box(element):
    """The box a displayed formula scrolls in, which takes keyboard focus (the stylesheet scrolls it)."""
    return element.name == "span" and element["class"] == ["math-display"] and element["tabindex"] == "0"


def problem_lines(collector):
    return sorted(
        (problem.path.rsplit("/", 1)[-1], problem.line, problem.message) for problem in collector.problems
    )


# Formulas of every kind ------------------------------------------------------------------------


def test_a_fraction_has_its_numerator_and_denominator(post):
    fraction = post(r"Half: $\frac{n}{2}$.").math.mfrac
    assert [child.get_text() for child in children(fraction)] == ["n", "2"]


def test_a_matrix_is_a_table_of_its_rows_between_its_brackets(post):
    math = post(r"$$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$$").math
    rows = [[cell.get_text() for cell in children(row)] for row in math.mtable.find_all("mtr")]
    assert rows == [["1", "2"], ["3", "4"]]
    fence = children(math.mtable.parent)
    assert (fence[0].get_text(), fence[-1].get_text()) == ("(", ")")


def test_aligned_equations_are_rows_with_their_sides_in_columns(post):
    math = post("$$\n\\begin{aligned}\na &= b + c \\\\\nd &= e\n\\end{aligned}\n$$\n").math
    rows = [[cell.get_text() for cell in children(row)] for row in math.find_all("mtr")]
    assert rows == [["a", "=b+c"], ["d", "=e"]]
    assert "ams-align" in math.mtable["class"]  # the stylesheet aligns the columns at the =


@pytest.mark.parametrize("environment", ["align", "align*", "equation"])
def test_latexs_display_environments_are_displayed_formulas_with_or_without_dollars(post, environment):
    body = r"a &= b \\ c &= d" if environment.startswith("align") else "a = b"
    for text in (
        f"\\begin{{{environment}}}\n{body}\n\\end{{{environment}}}",
        f"$$\\begin{{{environment}}} {body} \\end{{{environment}}}$$",
    ):
        soup = post(text)
        assert soup.math["display"] == "block", text
        assert "begin" not in soup.get_text() and not problems.collector.problems


def test_a_displayed_sum_has_its_limits_below_and_above(post):
    limits = post(r"$$\sum_{i=1}^{n} i^2$$").math.munderover
    assert [child.get_text() for child in children(limits)] == ["∑", "i=1", "n"]


def test_greek_blackboard_bold_subscripts_and_superscripts(post):
    math = post(r"$\alpha_i^2 + \Gamma \in \mathbb{R}^n$").math
    assert [child.get_text() for child in children(math.msubsup)] == [ALPHA, "i", "2"]
    assert math.find("mi", string="Γ") is not None
    assert [child.get_text() for child in children(math.msup)] == [REALS, "n"]


def test_left_and_right_fence_what_they_enclose(post):
    group = post(r"$\left( \frac{a}{b} \right)$").math.mrow
    parts = children(group)
    assert (parts[0].get_text(), parts[1].name, parts[-1].get_text()) == ("(", "mfrac", ")")


def test_symbols_typed_as_themselves_are_read_as_their_commands(post):
    math = post("$x ≤ y → z$").math
    assert [operator.get_text() for operator in math.find_all("mo")] == ["≤", "→"]


def test_a_function_name_keeps_its_invisible_application_sign(post):
    # docutils writes it as &ApplyFunction;, an entity XML lacks: it must still come through.
    assert post(r"$\sin x$").math.find("mo").get_text() == "\u2061"


def test_a_subscript_of_an_accented_base_stands_beside_it(post):
    for tex in (r"\hat{y}_i", r"\bar{x}_i^2", r"\vec{v}_1"):
        subscripted = post(f"${tex}$").math.msub
        accented, subscript = children(subscripted)
        assert accented.name == "mover" and subscript.get_text() in "i1", tex
    assert post(r"$\sum_{i=1}^n i$").math.munderover is not None  # an operator keeps its limits


def test_a_display_fraction_carries_its_style_on_an_mstyle_as_the_html_checker_requires(post):
    math = post(r"$\dfrac{1}{2}$").math
    assert math.mstyle["displaystyle"] == "true" and math.mstyle.mfrac is not None
    assert not math.mfrac.has_attr("displaystyle") and not math.mfrac.has_attr("scriptlevel")


# Inline, displayed, and where a formula may stand ---------------------------------------------


def test_inline_formulas_are_inline_and_displayed_ones_are_blocks(post):
    soup = post("Inline $x$ and \\(y\\).\n\n$$z$$\n\n\\[w\\]\n")
    inline, parenthesised, dollars, brackets = soup.find_all("math")
    assert not inline.has_attr("display") and not parenthesised.has_attr("display")
    assert dollars["display"] == brackets["display"] == "block"
    for displayed in (dollars, brackets):
        assert displayed.find_parent("p") is None  # a block of its own
        assert is_scrolling_box(displayed.parent)


def test_a_displayed_formula_inside_a_paragraph_stays_in_it(post):
    soup = post("The sum\n$$\n\\sum_i x_i\n$$\nconverges.")
    assert (
        soup.math["display"] == "block"
        and is_scrolling_box(soup.math.parent)
        and soup.math.parent.parent.name == "p"
    )
    assert soup.p.get_text(" ", strip=True).startswith("The sum") and soup.p.get_text().strip().endswith(
        "converges."
    )


def test_a_displayed_formula_may_span_lines(post):
    soup = post("$$\nx = 1\n+ 2\n$$\n")
    assert soup.math.get_text() == "x=1+2" and soup.find("ul") is None


def test_no_line_of_a_displayed_formula_is_read_as_a_quote_or_a_rule(post):
    soup = post("$$\nf(x) = 1 \\text{ if } x\n> 0\n***\n$$\n")
    assert (
        soup.find(["blockquote", "hr", "p"]) is None
        and soup.math.get_text().replace("\xa0", " ") == "f(x)=1 if x>0***"
    )


def test_math_in_list_items_and_quotes(post):
    soup = post("- item $\\beta$\n- $$\\frac{a}{b}$$\n\n> \\[ \\mathbb{N} \\]\n")
    first, second = soup.find_all("li")
    assert first.math.get_text() == "β" and not first.math.has_attr("display")
    assert second.math["display"] == "block" and second.math.mfrac is not None
    assert soup.blockquote.math["display"] == "block" and soup.blockquote.math.get_text() == NATURALS


def test_a_formula_inside_a_loose_list_items_indented_paragraph(post):
    soup = post("1. First.\n\n    $$\n    x^2\n    $$\n\n2. Second.\n")
    assert soup.ol.li.math["display"] == "block" and soup.ol.li.math.msup is not None


def test_a_formula_in_a_heading_stays_math_and_the_table_of_contents_reads_its_text(post):
    soup = post("## The $\\alpha$ case\n")
    assert soup.h2.math.get_text() == ALPHA and soup.h2["id"]


# Markdown never gets at the TeX first ---------------------------------------------------------


def test_underscores_and_asterisks_in_tex_are_not_emphasis(post):
    soup = post("Both $x_i$ and $y_i$, and $a * b * c$ and $$\\mathbf{x}_1^* = x_2^*$$ too.")
    assert soup.find(["em", "strong"]) is None
    assert [math.get_text() for math in soup.find_all("math")][:2] == ["xi", "yi"]
    assert soup.find_all("math")[2].get_text() == "a*b*c"


def test_markdown_leaves_the_text_inside_a_formula_alone(post):
    soup = post(r"$\text{a *b* c, [d](e) and <b>f</b>}$")
    assert soup.mtext.get_text() == "a *b* c, [d](e) and <b>f</b>" and soup.find(["em", "a", "b"]) is None


def test_backslashes_brackets_and_angle_brackets_in_tex_are_not_markdown(post):
    soup = post(r"Rows $\begin{matrix} a \\ b \end{matrix}$, a link-like $[0, 1](x)$ and $a<b>c$.")
    formulas = soup.find_all("math")
    assert len(formulas) == 3 and len(formulas[0].find_all("mtr")) == 2  # \\ kept: two rows
    assert soup.find("a") is None and soup.find("b") is None


# Money, escaped dollars and code ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It costs $3.50, not $4.",
        "Between $5 and $10.",
        "From $20,000 to $30,000 a year.",
        "Tickets are $5-$10, or $1,$2 for children.",  # a closing $ is never followed by a digit
        "A $ 5 $ note, or $ 5 and 6$ each.",  # an opening $ is never followed by a space
    ],
)
def test_money_stays_text(post, text):
    soup = post(text)
    assert soup.find("math") is None and soup.p.get_text() == text


def test_an_escaped_dollar_is_a_dollar_and_opens_no_formula(post):
    soup = post(r"Pay \$5 or \$6 for $x$, or $\$7$.")
    assert soup.p.get_text().startswith("Pay $5 or $6 for ")
    assert [math.get_text() for math in soup.find_all("math")] == ["x", "$7"]


def test_code_keeps_its_dollars_and_tex(post):
    text = (
        "Inline `$x$` and `\\(y\\)`.\n\n"
        '```python\nprice = "$5"  # $$\\frac{a}{b}$$\n```\n\n'
        "    $$ indented $x$ code $$\n"
    )
    soup = post(text)
    assert soup.find("math") is None
    codes = [code.get_text() for code in soup.find_all("code")]
    assert codes[:2] == ["$x$", "\\(y\\)"]
    assert '"$5"  # $$\\frac{a}{b}$$' in codes[2] and codes[3] == "$$ indented $x$ code $$\n"


# A formula the converter cannot read -----------------------------------------------------------


def test_the_converter_names_an_unknown_command_in_its_error():
    # What the problem's message is made from: a docutils upgrade that says it otherwise fails here.
    with pytest.raises(MathError, match=tex_to_mathml.UNKNOWN_COMMAND.pattern):
        tex2mathml(r"\fracc{1}{2}")
    with pytest.raises(MathError, match=tex_to_mathml.UNKNOWN_ENVIRONMENT.pattern):
        tex2mathml(r"\begin{gather} a \end{gather}")


def test_an_unknown_command_is_a_problem_at_its_line_and_the_formula_is_shown_as_tex(post, collector):
    soup = post(
        "Title: A post\n\nFine $x$.\n\nBad $\\fracc{1}{2}$ here.\n\n- and\n- $$\n  a + \\fracc{3}{4}\n  $$\n"
    )
    assert [code.get_text() for code in soup.find_all("code")] == [
        "$\\fracc{1}{2}$",
        "$$\n  a + \\fracc{3}{4}\n  $$",
    ]
    lines = problem_lines(collector)
    assert [(name, line) for name, line, _ in lines] == [("post.md", 5), ("post.md", 9)]
    assert all("\\fracc" in message and "does not know" in message for _, _, message in lines)
    assert soup.find("math").get_text() == "x"  # the good formula is still converted


def test_a_command_with_a_known_replacement_says_what_to_write(post, collector):
    post("Points $x_1, \\dots, x_n$.")
    [problem] = collector.problems
    assert problem.line == 1 and "\\dots" in problem.message and "write \\ldots" in problem.message


def test_an_unknown_environment_is_a_problem_that_names_it(post, collector):
    post("Lines:\n\n$$\\begin{gather} a \\\\ b \\end{gather}$$\n")
    [problem] = collector.problems
    assert problem.line == 3 and "environment gather" in problem.message and "aligned" in problem.message


def test_malformed_tex_is_a_problem_that_shows_the_formula(post, collector):
    soup = post("One.\n\nIncomplete $x^$ and a stray $a & b$.\n")
    messages = sorted(problem.message for problem in collector.problems)
    assert len(messages) == 2 and all(problem.line == 3 for problem in collector.problems)
    assert "$a & b$" in messages[0] and "$x^$" in messages[1]
    assert [code.get_text() for code in soup.find_all("code")] == ["$x^$", "$a & b$"]


def test_each_replacement_the_advice_gives_is_known_to_the_converter_and_each_replaced_one_is_not():
    for name, instead in tex_to_mathml.COMMANDS_INSTEAD.items():
        with pytest.raises(MathError):
            tex2mathml(f"\\{name}{{x}}")
        for replacement in re.findall(r"\\[A-Za-z]+(?:\{…\})*\(?\)?", instead):
            tex2mathml(replacement.replace("…", "x").replace("(", "( x").replace(")", " )"))
    for name in {*tex_to_mathml.ENVIRONMENTS_INSTEAD.values(), "pmatrix", "bmatrix"}:
        tex2mathml(f"\\begin{{{name}}} a & b \\end{{{name}}}")


def test_the_extension_reads_the_current_file_when_its_processors_run(tmp_path, collector):
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    text = "Text.\n\nBad $\\fracc{1}$.\n"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    current_file = SimpleNamespace(path=str(first))
    md = site_markdown(current_file)
    md.convert(text)
    md.reset()
    current_file.path = str(second)
    md.convert(text)
    # The one Markdown, converting a second file: its problem names the second file.
    assert sorted((name, line) for name, line, _ in problem_lines(collector)) == [
        ("first.md", 3),
        ("second.md", 3),
    ]


# The output as a whole --------------------------------------------------------------------------

EVERY_KIND = r"""Formulas of every kind.

Fractions $\frac{1}{2}$, $\dfrac{a}{b}$, $\tfrac{1}{3}$; Greek $\alpha, \beta, \Gamma$; sets $\mathbb{R}^n$;
scripts $x_i^2 + e^{-x}$; fences $\left( \frac{a}{b} \right)$, $\bigl( x \bigr)$; functions $\sin x$;
text $\text{if } x > 0$; \(\sqrt[3]{x}\) and \(\binom{n}{k}\), $\hat{\theta} \ne \bar{x}$, $\lVert x \rVert$.

$$
\sum_{i=1}^{n} i = \frac{n(n+1)}{2}
$$

$$
\begin{aligned}
f(x) &= \int_0^\infty e^{-t} t^{x-1} \, dt \\
     &\le \prod_{k=1}^{n} \left[ \frac{k}{k+1} \right]
\end{aligned}
$$

- A matrix: $$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$$
- Cases: \[ |x| = \begin{cases} x & x \ge 0 \\ -x & \text{otherwise} \end{cases} \]

> $$\lim_{x \to 0} \frac{\sin x}{x} = 1 \quad \boldsymbol{\mu} \in \mathcal{L}$$

\begin{align*}
a &= b + c \\
  &= d
\end{align*}
"""


def test_no_tex_is_left_in_the_text_of_the_output(post, collector):
    soup = post(EVERY_KIND)
    assert not collector.problems and len(soup.find_all("math")) == 20
    assert not TEX_IN_TEXT.search(soup.get_text()), TEX_IN_TEXT.search(soup.get_text())


def test_the_sites_typography_leaves_the_math_alone(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    text = "It's $f'(x) = \\text{a -- b...}$ -- done..."
    (content / "a.md").write_text(f"Title: Math\nDate: 2024-01-01\nSlug: a\n\n{text}\n", encoding="utf-8")
    page = build_site(tmp_path / "output", PATH=str(content)).page("/posts/a/")
    paragraph = page.select_one(".post-body p")
    expected = BeautifulSoup(formula_html("f'(x) = \\text{a -- b...}"), "html.parser").math
    assert str(paragraph.math) == str(expected)  # no curly quote, dash or ellipsis inside
    assert paragraph.get_text().startswith("It\u2019s ") and "\u2014 done\u2026" in paragraph.get_text()


@pytest.mark.validator
def test_a_page_of_the_outputs_passes_the_nu_html_checker(post, tmp_path):
    require_tool(shutil.which("java"), "java is not installed: the Nu HTML Checker needs it")
    body = str(post(EVERY_KIND)) + str(post("Money $5 and $10, \\$3, `$x$`, and a bad $\\fracc{1}$."))
    rest = docutils.core.publish_parts(REST_POST, writer=rest_writer())["body"]
    page = tmp_path / "page.html"
    page.write_text(
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Formulas</title>\n</head>\n'
        f"<body>\n<main>\n{body}\n{rest}\n</main>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    assert nu_checker_errors([page]) == []


# reStructuredText -------------------------------------------------------------------------------

REST_POST = r"""Inline :math:`\alpha_1 + \dfrac{1}{2}` here.

.. math::

   \sum_{i=1}^n x_i = \left( a \right)

Bad :math:`\fracc{1}{2}` here.
"""


def rest_writer():
    class Translator(mathml.RstFormulas, html5_polyglot.HTMLTranslator):
        pass

    writer = html5_polyglot.Writer()
    writer.translator_class = Translator
    return writer


def test_rest_math_is_the_same_mathml_as_markdowns_and_a_bad_command_is_a_problem(tmp_path, post, collector):
    source = tmp_path / "post.rst"
    source.write_text(REST_POST, encoding="utf-8")
    body = docutils.core.publish_parts(REST_POST, source_path=str(source), writer=rest_writer())["body"]
    soup = BeautifulSoup(body, "html.parser")
    inline, displayed = soup.find_all("math")
    markdown = post(
        "Inline $\\alpha_1 + \\dfrac{1}{2}$ here.\n\n$$\\sum_{i=1}^n x_i = \\left( a \\right)$$\n"
    )
    assert [str(inline), str(displayed)] == [str(math) for math in markdown.find_all("math")]
    assert displayed["display"] == "block" and is_scrolling_box(displayed.parent)
    assert soup.find("code").get_text() == "\\fracc{1}{2}"
    assert [(name, line) for name, line, _ in problem_lines(collector)] == [("post.rst", 7)]


def test_a_published_post_carries_its_math_in_the_feed_and_loads_no_script_for_it(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    post = "Title: Euler\nDate: 2024-01-01\nSlug: euler\n\nThe identity $e^{i\\pi}+1=0$.\n\n$$\\sum_{k=1}^n k$$\n"
    (content / "a.md").write_text(post, encoding="utf-8")
    built = build_site(
        tmp_path / "output", "publishconf.py", SITEURL="https://example.org", PATH=str(content)
    )
    page = built.page("/posts/euler/")
    assert [math.get("display") for math in page.select(".post-body math")] == [None, "block"]
    assert not page.find_all("script", src=True) and not [
        s for s in page.find_all("script") if s.get("type") != "application/ld+json"
    ]
    atom = (built.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "&lt;math" in atom and "munderover" in atom  # the sum, with its limits
