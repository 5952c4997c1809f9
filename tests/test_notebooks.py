"""Jupyter notebooks (plugins/notebooks.py and the modules it uses): read, rendered and their files written.

Every notebook here is JSON the test writes, and every check reads the HTML as a reader would: which
elements, which text, which attributes. No site is built: the reader, `embed_notebook()` and the
files' generator are called directly, as Pelican would call them.
"""

import base64
import copy
import io
import json
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from blinker import ANY
from bs4 import BeautifulSoup
from pelican import signals
from pelican.settings import DEFAULT_CONFIG
from PIL import Image

from helpers import FIXTURE_SETTINGS, nu_checker_errors_of_fragment, require_tool
from ourblog.build import build_with_cache
from plugins import notebook_files, notebooks, problems

SITE_MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.toc": {"anchorlink": True, "toc_depth": "2-3"},
    },
    "output_format": "html5",
}


@pytest.fixture
def settings(tmp_path):
    site = copy.deepcopy(DEFAULT_CONFIG)
    site.update(
        PATH=str(tmp_path / "content"),
        OUTPUT_PATH=str(tmp_path / "output"),
        CACHE_PATH=str(tmp_path / "cache"),
        MARKDOWN=copy.deepcopy(SITE_MARKDOWN),
        SITEURL="",
    )
    os.makedirs(site["PATH"])
    return site


@pytest.fixture(autouse=True)
def collector():
    problems.collector = problems.Collector()
    yield problems.collector
    problems.collector = None


def found(collector):
    """The problems (not notes) reported: (file name, line, message)."""
    return [
        (os.path.basename(problem.path), problem.line, problem.message)
        for problem in collector.problems
        if not problem.note
    ]


def notes(collector):
    return [problem.message for problem in collector.problems if problem.note]


# Notebooks, as Jupyter writes them --------------------------------------------------------------


def markdown_cell(source, **extra):
    return {"cell_type": "markdown", "metadata": {}, "source": source, **extra}


def code_cell(source, outputs=(), count=1, **metadata):
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": metadata,
        "source": source.splitlines(keepends=True),
        "outputs": list(outputs),
    }


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def result(data, count=1, metadata=None):
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "data": data,
        "metadata": metadata or {},
    }


def display(data, metadata=None):
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


def png_bytes(size=(40, 30), colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(20, 10)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def encoded(data):
    return base64.b64encode(data).decode("ascii")


def write_notebook(folder, cells, metadata=None, name="post.ipynb"):
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}, **(metadata or {})},
        "cells": cells,
    }
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(notebook, file, indent=1)
    return path


def read(settings, cells, metadata=None, name="post.ipynb"):
    """The reader's HTML, as soup, and metadata for a notebook of these cells."""
    path = write_notebook(settings["PATH"], cells, metadata, name)
    html, read_metadata = notebooks.NotebookReader(settings).read(path)
    return BeautifulSoup(html, "html.parser"), read_metadata


def kept_file(settings, src):
    """The bytes of the kept file an img src names."""
    prefix = notebook_files.files_url(settings) + "/"
    assert src.startswith(prefix), src
    with open(os.path.join(notebook_files.kept_folder(settings), src.removeprefix(prefix)), "rb") as file:
        return file.read()


# Markdown cells ---------------------------------------------------------------------------------


def test_markdown_cells_are_the_sites_markdown_headings_under_the_title(settings):
    soup, _ = read(
        settings,
        [
            markdown_cell("# Results\n\nSome *emphasis*."),
            code_cell("x = 1"),
            markdown_cell("## Results\n\nAgain."),
        ],
    )
    assert soup.find("em").get_text() == "emphasis"
    assert soup.find("h1") is None  # the page's title is its one h1
    assert [heading.name for heading in soup.find_all(["h2", "h3"])] == ["h2", "h3"]
    ids = [heading["id"] for heading in soup.find_all(["h2", "h3"])]
    assert len(set(ids)) == 2  # two "Results" in two cells: ids stay unique across the notebook


def test_the_given_converter_makes_every_markdown_cell_in_one_call_and_in_order(settings):
    calls = []

    def converter(text):
        calls.append(text)
        return "\n".join(f"<p>{line}</p>" for line in text.split("\n\n"))

    path = write_notebook(settings["PATH"], [markdown_cell("first"), code_cell("x"), markdown_cell("second")])
    reader = notebooks.NotebookReader(settings)
    reader.markdown_to_html = converter
    soup = BeautifulSoup(reader.read(path)[0], "html.parser")
    assert len(calls) == 1
    cell = soup.find("div", class_="notebook-cell")
    assert cell.find_previous("p").get_text() == "first"
    assert cell.find_next("p").get_text() == "second"


def test_a_cell_left_open_does_not_swallow_the_cells_after_it(settings):
    soup, _ = read(settings, [markdown_cell("<div>\nan open block"), markdown_cell("After *this*.")])
    assert soup.find("em").get_text() == "this"


def test_an_attachment_becomes_a_file_of_the_site(settings):
    picture = png_bytes()
    soup, _ = read(
        settings,
        [
            markdown_cell(
                "![a red box](attachment:box%20one.png)",
                attachments={"box one.png": {"image/png": encoded(picture)}},
            )
        ],
    )
    image = soup.find("img")
    assert image["alt"] == "a red box"
    assert kept_file(settings, image["src"]) == picture


# Code cells -------------------------------------------------------------------------------------


def test_a_code_cell_is_coloured_as_the_sites_code_blocks_with_its_prompt_outside_the_code(settings):
    soup, _ = read(settings, [code_cell("print('hi')\n", count=3)])
    block = soup.select_one("div.highlight > pre")
    assert block["tabindex"] == "0"
    assert block.find("span", class_="nb").get_text() == "print"  # Pygments' class for a builtin
    prompt = soup.find("div", class_="notebook-prompt")
    assert prompt.find(attrs={"aria-hidden": "true"}).get_text() == "In [3]:"
    assert prompt.find(class_="visually-hidden").get_text() == "Input 3"
    assert "In [" not in block.get_text()


def test_a_cell_never_run_says_so(settings):
    soup, _ = read(settings, [code_cell("x = 1", count=None)])
    assert soup.find(attrs={"aria-hidden": "true"}).get_text() == "In [ ]:"
    assert soup.find(class_="visually-hidden").get_text() == "Input, not run"


@pytest.mark.parametrize(
    ("metadata", "code", "token"),
    [
        ({"language_info": {"name": "R"}}, "x <- 1", ("<-", "o")),  # one operator in R, two in Python
        ({"language_info": {}, "kernelspec": {"language": "julia"}}, "function f() end", ("function", "k")),
        # Pygments has no "ipython3" lexer: the language's name, python, is the next choice
        ({"language_info": {"name": "python", "pygments_lexer": "ipython3"}}, "def f(): pass", ("def", "k")),
    ],
)
def test_code_is_coloured_in_the_notebooks_language(settings, metadata, code, token):
    soup, _ = read(settings, [code_cell(code)], metadata=metadata)
    tokens = [(span.get_text(), span["class"][0]) for span in soup.select("div.highlight pre span[class]")]
    assert token in tokens, tokens


def test_a_bash_cell_magic_is_coloured_as_bash(settings):
    soup, _ = read(settings, [code_cell("%%bash\necho $HOME\n")])
    assert soup.find("span", class_="nv").get_text() == "$HOME"  # a shell variable, not Python


# Outputs ----------------------------------------------------------------------------------------


def test_printed_text_is_shown_stderr_marked_consecutive_prints_joined(settings):
    outputs = [stream("one\n"), stream("two\n"), stream("careful\n", "stderr"), stream("10%\r50%\r100%\n")]
    soup, _ = read(settings, [code_cell("work()", outputs)])
    printed = soup.select("div.notebook-stdout pre")
    assert [block.get_text() for block in printed] == ["one\ntwo", "100%"]  # a progress bar: its last state
    error = soup.find("div", class_="notebook-stderr")
    assert error.find(class_="visually-hidden").get_text() == "Standard error:"
    assert error.find("pre").get_text() == "careful"


def test_a_result_has_jupyters_out_prompt(settings):
    soup, _ = read(settings, [code_cell("1 + 1", [result({"text/plain": ["2"]}, count=7)], count=7)])
    output = soup.find("div", class_="notebook-result")
    assert output.find(attrs={"aria-hidden": "true"}).get_text() == "Out[7]:"
    assert output.find(class_="visually-hidden").get_text() == "Output 7"
    assert output.find("pre").get_text() == "2"


def test_an_error_shows_its_traceback_with_colours_as_classes_and_no_escape_codes(settings):
    error = {
        "output_type": "error",
        "ename": "ZeroDivisionError",
        "evalue": "division by zero",
        "traceback": [
            "\x1b[0;31m---------------------------------\x1b[0m",
            "\x1b[0;31mZeroDivisionError\x1b[0m: division by \x1b[1;32mzero\x1b[0m\x1b[K",
        ],
    }
    soup, _ = read(settings, [code_cell("1 / 0", [error])])
    block = soup.select_one("div.notebook-error pre")
    assert "\x1b" not in str(soup)
    assert block.get_text().endswith("ZeroDivisionError: division by zero")
    assert block.find("span", class_="ansi-red").get_text() == "---------------------------------"
    assert block.find("span", class_="ansi-green")["class"] == ["ansi-bold", "ansi-green"]


def test_an_error_without_a_traceback_shows_its_name_and_value(settings):
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}
    soup, _ = read(settings, [code_cell("d['x']", [error])])
    assert soup.select_one("div.notebook-error pre").get_text() == "KeyError: 'x'"


DATAFRAME = """<style scoped>.dataframe tbody tr th { vertical-align: top; }</style>
<table border="1" class="dataframe" id="T_1" onclick="steal()">
<thead><tr style="text-align: right;"><th></th><th>city</th></tr></thead>
<tbody><tr><th>0</th><td onmouseover="steal()" style="color: red">Seoul</td></tr></tbody>
</table><script>document.body.remove()</script><a href="javascript:steal()">link</a>"""


def test_html_output_is_made_safe_and_keeps_its_table(settings):
    soup, _ = read(settings, [code_cell("df", [result({"text/html": DATAFRAME, "text/plain": "df"})])])
    output = soup.find("div", class_="notebook-html")
    assert output.find("td").get_text() == "Seoul"
    assert [cell.get_text() for cell in output.find_all("th")] == ["", "city", "0"]
    assert output.find("script") is None and output.find("style") is None
    assert "steal" not in str(output)
    for element in output.find_all(True):
        assert not {"style", "class", "id", "border", "onclick", "onmouseover"} & set(element.attrs)
    assert output["tabindex"] == "0"  # a wide table scrolls, by keyboard too
    assert soup.find("div", class_="notebook-result") is None  # the table, not its plain-text form


def test_html_output_that_only_runs_a_script_falls_back_to_its_text(settings):
    chart = '<div id="c" class="plotly-graph-div" style="height:525px"></div><script>draw()</script>'
    soup, _ = read(settings, [code_cell("fig", [display({"text/html": chart, "text/plain": "Figure()"})])])
    assert soup.find("div", class_="notebook-html") is None
    assert soup.select_one("div.notebook-result pre").get_text() == "Figure()"


def test_images_are_files_of_the_site_never_data_uris(settings):
    png, jpeg = png_bytes((40, 30)), jpeg_bytes((20, 10))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="36pt">'
        '<rect width="9" height="9"/></svg>'
    )
    outputs = [
        display({"image/png": encoded(png), "text/plain": "<Figure>"}),
        display({"image/jpeg": encoded(jpeg)}),
        display({"image/svg+xml": svg.splitlines(keepends=True)}),
        display({"image/png": encoded(png)}, metadata={"image/png": {"width": 20, "height": 15}}),
    ]
    soup, _ = read(settings, [code_cell("#| fig-alt: four figures\nplot()", outputs)])
    images = soup.find_all("img")
    assert "data:" not in str(soup)
    assert [kept_file(settings, image["src"]) for image in images[:3]] == [png, jpeg, svg.encode()]
    assert [image["src"].rsplit(".", 1)[1] for image in images] == ["png", "jpg", "svg", "png"]
    assert [(image["width"], image["height"]) for image in images] == [
        ("40", "30"),
        ("20", "10"),
        ("96", "48"),  # 72pt by 36pt, in CSS pixels
        ("20", "15"),  # a high-resolution plot: the size the notebook stored
    ]
    assert {image["alt"] for image in images} == {"four figures"}
    assert all(image["loading"] == "lazy" for image in images)


def test_quarto_options_describe_and_caption_a_figure_and_are_not_shown_as_code(settings):
    outputs = [display({"image/png": encoded(png_bytes())})]
    soup, _ = read(
        settings, [code_cell("#| fig-cap: Sales by month\n#| fig-alt: a bar chart\nplot()", outputs)]
    )
    figure = soup.find("figure")
    assert figure.find("figcaption").get_text() == "Sales by month"
    assert figure.find("img")["alt"] == "a bar chart"
    assert soup.select_one("div.highlight pre").get_text().strip() == "plot()"


def test_a_figure_without_a_description_is_a_problem_with_its_line(settings, collector):
    settings["REQUIRE_ALT_TEXT"] = True  # else it is listed and counted, as an image of a post is
    soup, _ = read(settings, [code_cell("plot()", [display({"image/png": encoded(png_bytes())})], count=4)])
    assert soup.find("img")["alt"] == ""
    [(name, line, message)] = found(collector)
    assert name == "post.ipynb" and "In [4]" in message and "#| fig-alt:" in message
    with open(os.path.join(settings["PATH"], "post.ipynb"), encoding="utf-8") as file:
        assert '"plot()"' in file.read().splitlines()[line - 1]


def test_markdown_and_latex_outputs_go_through_the_sites_markdown(settings):
    seen = []

    def converter(text):
        seen.append(text)
        return f"<p>converted {len(seen)}</p>"

    outputs = [
        display({"text/markdown": "**bold**"}),
        display({"text/latex": "\\frac{1}{2}", "text/plain": "1/2"}),
    ]
    path = write_notebook(settings["PATH"], [code_cell("show()", outputs)])
    reader = notebooks.NotebookReader(settings)
    reader.markdown_to_html = converter
    soup = BeautifulSoup(reader.read(path)[0], "html.parser")
    assert seen == ["**bold**", "$$\n\\frac{1}{2}\n$$"]  # LaTeX as display math, for the site's math
    assert soup.select_one("div.notebook-markdown p").get_text() == "converted 1"
    assert soup.select_one("div.notebook-math p").get_text() == "converted 2"


def test_a_very_long_output_is_cut_short_and_says_so(settings, collector):
    long_text = "".join(f"line {number}\n" for number in range(5_000))
    soup, _ = read(settings, [code_cell("spam()", [stream(long_text)])])
    shown = soup.select_one("div.notebook-stdout pre").get_text().split("\n")
    assert len(shown) == 2_000 and shown[-1] == "line 1999"
    assert "first 2,000 of its 5,000 lines" in soup.find("p", class_="notebook-cut").get_text()
    assert any("5,000 lines" in note for note in notes(collector))


def test_a_very_long_line_is_cut_at_the_byte_limit(settings):
    settings["NOTEBOOK_OUTPUT_MAX_BYTES"] = 1_000
    soup, _ = read(settings, [code_cell("x", [result({"text/plain": "é" * 5_000})])])  # 10,000 bytes
    assert soup.select_one("div.notebook-result pre").get_text() == "é" * 500
    assert "first 1 KB of its 10 KB" in soup.find("p", class_="notebook-cut").get_text()


def test_a_huge_html_output_is_cut_and_still_well_formed(settings):
    settings["NOTEBOOK_OUTPUT_MAX_BYTES"] = 2_000
    rows = "".join(f"<tr><td>{number}</td></tr>" for number in range(1_000))
    soup, _ = read(settings, [code_cell("df", [result({"text/html": f"<table>{rows}</table>"})])])
    output = soup.find("div", class_="notebook-html")
    assert 0 < len(output.find_all("td")) < 1_000
    assert str(output).count("<table>") == str(output).count("</table>") == 1
    assert output.find("p", class_="notebook-cut") is not None


def test_cell_tags_remove_and_fold_what_they_name(settings):
    output = [stream("printed\n")]
    soup, _ = read(
        settings,
        [
            code_cell("secret_setup()", output, tags=["remove-cell"]),
            code_cell("hidden_code()", output, tags=["remove_input"]),
            code_cell("no_output()", output, tags=["remove-output"]),
            code_cell("folded()", output, tags=["hide-input"]),
            code_cell("#| echo: false\nquarto_hidden()", output),
        ],
    )
    text = soup.get_text()
    assert "secret_setup" not in text and "hidden_code" not in text and "quarto_hidden" not in text
    assert "no_output" in text
    assert len(soup.select("div.notebook-stdout")) == 3  # the hidden-code cell's, the folded one's, Quarto's
    folded = soup.find("details")
    assert folded.find("summary").get_text() == "Show the code"
    assert "folded()" in folded.get_text()


# Metadata ---------------------------------------------------------------------------------------


def test_metadata_from_the_notebooks_own_json(settings):
    _, metadata = read(
        settings,
        [markdown_cell("Text.")],
        metadata={
            "Title": "Maps <of> Seoul",
            "date": "2024-05-01 10:00",
            "tags": ["maps", "Seoul"],
            "authors": [{"name": "Ada"}, {"name": "Grace"}],
            "kernelspec": {"name": "python3", "language": "python"},
        },
    )
    assert (
        metadata["title"] == "Maps <of> Seoul"
    )  # as written: the page shows it as typed (plugins/reading.py)
    assert (metadata["date"].year, metadata["date"].month, metadata["date"].day) == (2024, 5, 1)
    assert [tag.name for tag in metadata["tags"]] == ["maps", "Seoul"]
    assert [author.name for author in metadata["authors"]] == ["Ada", "Grace"]
    assert "kernelspec" not in metadata


def test_the_nbdata_side_file_overrides_the_notebook_and_formats_the_summary(settings):
    with open(os.path.join(settings["PATH"], "post.nbdata"), "w", encoding="utf-8") as side:
        side.write("Title: From the side file\nDate: 2023-02-03 04:05\nSummary: A *short*\n    summary.\n")
    _, metadata = read(settings, [markdown_cell("Text.")], metadata={"title": "From the notebook"})
    assert metadata["title"] == "From the side file"
    assert metadata["date"].year == 2023
    assert metadata["summary"] == "<p>A <em>short</em>\nsummary.</p>"


def test_the_older_ipynb_meta_side_file_is_read(settings):
    with open(os.path.join(settings["PATH"], "post.ipynb-meta"), "w", encoding="utf-8") as side:
        side.write("Title: Older blog\n")
    _, metadata = read(settings, [markdown_cell("Text.")])
    assert metadata["title"] == "Older blog"


@pytest.mark.parametrize("setting", ["IPYNB_MARKUP_USE_FIRST_CELL", "IPYNB_USE_METACELL"])
def test_metadata_from_the_first_cell_which_is_then_not_shown(settings, setting):
    settings[setting] = True
    soup, metadata = read(
        settings,
        [markdown_cell("# First-cell title\n- Date: 2022-01-02\n- Tags: a, b"), markdown_cell("The post.")],
    )
    assert metadata["title"] == "First-cell title"
    assert [tag.name for tag in metadata["tags"]] == ["a", "b"]
    assert "First-cell" not in soup.get_text() and "The post." in soup.get_text()


def test_without_the_setting_the_first_cell_is_content(settings):
    soup, metadata = read(settings, [markdown_cell("# Heading\n- Date: 2022-01-02")])
    assert "title" not in metadata and "date" not in metadata
    assert "Heading" in soup.get_text()


def test_a_date_that_is_not_one_is_a_problem_on_its_line_of_the_side_file(settings, collector):
    with open(os.path.join(settings["PATH"], "post.nbdata"), "w", encoding="utf-8") as side:
        side.write("Title: T\nDate: 2024-13-45\n")
    _, metadata = read(settings, [markdown_cell("Text.")])
    assert found(collector) == [
        ("post.nbdata", 2, 'has a Date, "2024-13-45", that is not a date: write YYYY-MM-DD HH:MM.')
    ]
    assert metadata["date"] is not None  # dated by its file, so the build goes on


def test_a_notebook_without_title_or_date_is_still_read(settings, collector):
    soup, metadata = read(settings, [markdown_cell("Just *text*.")])
    assert soup.find("em").get_text() == "text"
    assert "title" not in metadata and "date" not in metadata
    assert metadata["jupyter_notebook"] is True
    assert found(collector) == []  # the site's own check reports what is missing
    assert "post.nbdata" in notebooks.missing_metadata_advice("content/post.ipynb", ["title", "date"])


def test_subcells_show_only_those_cells(settings):
    with open(os.path.join(settings["PATH"], "post.nbdata"), "w", encoding="utf-8") as side:
        side.write("Title: T\nSubcells: [1, 3]\n")
    soup, metadata = read(settings, [markdown_cell(f"cell {number}") for number in range(5)])
    assert [paragraph.get_text() for paragraph in soup.find_all("p")] == ["cell 1", "cell 2"]
    assert "subcells" not in metadata


# Files that are not notebooks, and nbformat 3 -----------------------------------------------------


def test_an_nbformat_3_notebook_is_read_as_jupyter_reads_it(settings):
    png = png_bytes()
    old = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 2, "metadata": {}, "source": ["An old heading"]},
                    {
                        "cell_type": "code",
                        "language": "python",
                        "prompt_number": 5,
                        "input": ["print(1)\n", "1 / 0"],
                        "metadata": {},
                        "outputs": [
                            {"output_type": "stream", "stream": "stdout", "text": ["1\n"]},
                            {"output_type": "pyout", "prompt_number": 5, "text": ["42"], "metadata": {}},
                            {"output_type": "display_data", "png": encoded(png), "metadata": {}},
                            {"output_type": "pyerr", "ename": "E", "evalue": "v", "traceback": ["E: v"]},
                        ],
                    },
                ]
            }
        ],
    }
    path = os.path.join(settings["PATH"], "old.ipynb")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(old, file)
    soup = BeautifulSoup(notebooks.NotebookReader(settings).read(path)[0], "html.parser")
    assert soup.find("h2").get_text() == "An old heading"
    assert soup.find(attrs={"aria-hidden": "true"}).get_text() == "In [5]:"
    assert soup.select_one("div.notebook-stdout pre").get_text() == "1"
    assert soup.select_one("div.notebook-result pre").get_text() == "42"
    assert kept_file(settings, soup.find("img")["src"]) == png
    assert soup.select_one("div.notebook-error pre").get_text() == "E: v"


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('{\n "nbformat": 4,\n "cells": [\n', 4, "is not valid JSON"),
        ('{"nbformat": 2, "worksheets": []}', 0, "open it in Jupyter and save it"),
        ("[1, 2]", 0, "not a Jupyter notebook"),
    ],
)
def test_a_file_that_is_not_a_readable_notebook_is_a_problem_and_the_build_goes_on(
    settings, collector, text, line, says
):
    path = os.path.join(settings["PATH"], "broken.ipynb")
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    html, _ = notebooks.NotebookReader(settings).read(path)
    assert html == ""
    [(name, problem_line, message)] = found(collector)
    assert (name, problem_line) == ("broken.ipynb", line) and says in message


# Embedding --------------------------------------------------------------------------------------


def test_embedding_shows_the_chosen_cells(settings):
    cells = [markdown_cell(f"cell {number}") for number in range(4)] + [code_cell("x = 4")]
    path = write_notebook(settings["PATH"], cells)
    soup = BeautifulSoup(notebooks.embed_notebook(path, slice(1, 3), settings), "html.parser")
    assert [paragraph.get_text() for paragraph in soup.find_all("p")] == ["cell 1", "cell 2"]
    assert soup.find("div", class_="highlight") is None
    whole = BeautifulSoup(notebooks.embed_notebook(path, None, settings), "html.parser")
    assert len(whole.find_all("p")) == 4 and whole.find("div", class_="highlight") is not None


def test_embedding_a_missing_or_broken_notebook_raises_naming_it(settings):
    missing = os.path.join(settings["PATH"], "notebooks", "gone.ipynb")
    with pytest.raises(notebooks.NotebookError, match=r"gone\.ipynb does not exist"):
        notebooks.embed_notebook(missing, None, settings)
    broken = os.path.join(settings["PATH"], "broken.ipynb")
    with open(broken, "w", encoding="utf-8") as file:
        file.write("{")
    with pytest.raises(notebooks.NotebookError, match=r"broken\.ipynb is not valid JSON"):
        notebooks.embed_notebook(broken, None, settings)


# Writing the files ------------------------------------------------------------------------------


def written_page(content):
    """What Pelican's writer sends for a post's page, as `content_written`."""
    notebook_files.note_files_of_page("output/post/index.html", {"article": content})


def test_the_generator_writes_the_files_of_the_pages_written_and_only_those(settings):
    first, second = png_bytes(colour="red"), png_bytes(colour="green")
    settings["SITEURL"] = "https://example.org/blog"
    html = [
        notebooks.embed_notebook(
            write_notebook(
                settings["PATH"],
                [code_cell("#| fig-alt: a box\nplot()", [display({"image/png": encoded(data)})])],
                name=name,
            ),
            None,
            settings,
        )
        for data, name in ((first, "shown.ipynb"), (second, "draft.ipynb"))
    ]
    src = BeautifulSoup(html[0], "html.parser").find("img")["src"]
    assert src.startswith("/blog/notebooks/files/")  # SITEURL's path, then NOTEBOOK_FILES_PATH
    generator = notebook_files.NotebookFilesGenerator(
        context={}, settings=settings, path=settings["PATH"], theme="", output_path=settings["OUTPUT_PATH"]
    )
    written_page(SimpleNamespace(content=html[0], source_path="shown.ipynb", settings=settings))
    generator.generate_output(writer=None)  # the draft's page was never written
    files = os.listdir(os.path.join(settings["OUTPUT_PATH"], "notebooks", "files"))
    assert files == [src.rsplit("/", 1)[1]]
    with open(os.path.join(settings["OUTPUT_PATH"], "notebooks", "files", files[0]), "rb") as file:
        assert file.read() == first


def test_a_warm_build_writes_the_files_of_a_post_taken_from_the_cache(settings):
    path = write_notebook(
        settings["PATH"],
        [code_cell("#| fig-alt: a box\nplot()", [display({"image/png": encoded(png_bytes())})])],
    )
    html, _ = notebooks.NotebookReader(settings).read(path)  # the cold build read it
    cached_post = SimpleNamespace(content=html, source_path=path, settings=settings)
    for _build in ("cold", "warm"):  # the warm build reads nothing: its post comes from the cache
        shutil.rmtree(settings["OUTPUT_PATH"], ignore_errors=True)
        generator = notebook_files.NotebookFilesGenerator(
            {}, settings, settings["PATH"], "", settings["OUTPUT_PATH"]
        )
        written_page(cached_post)
        generator.generate_output(writer=None)
        assert len(os.listdir(os.path.join(settings["OUTPUT_PATH"], "notebooks", "files"))) == 1


def test_a_file_no_longer_kept_is_a_problem_of_the_post_that_shows_it(settings, collector):
    path = write_notebook(
        settings["PATH"],
        [code_cell("#| fig-alt: a box\nplot()", [display({"image/png": encoded(png_bytes())})])],
    )
    html, _ = notebooks.NotebookReader(settings).read(path)
    shutil.rmtree(notebook_files.kept_folder(settings))
    generator = notebook_files.NotebookFilesGenerator(
        {}, settings, settings["PATH"], "", settings["OUTPUT_PATH"]
    )
    written_page(SimpleNamespace(content=html, source_path=path, settings=settings))
    generator.generate_output(writer=None)
    [(name, _, message)] = found(collector)
    assert name == "post.ipynb" and "no longer in" in message and "build again" in message


def test_register_makes_the_module_a_plugin_with_its_generator(settings):
    notebooks.register()
    generators = [value for _, value in signals.get_generators.send(SimpleNamespace(settings=settings))]
    assert notebook_files.NotebookFilesGenerator in generators
    notebook_files.needed_files.clear()
    shown = f"{notebook_files.files_url(settings)}/{'a' * notebook_files.NAME_LENGTH}.png"
    post = SimpleNamespace(
        content=f'<img src="{shown}" alt="x">', source_path="post.ipynb", settings=settings
    )
    # Pelican sends the signal to every plugin of a build; here the receiver is called as it would be.
    assert notebook_files.note_files_of_page in signals.content_written.receivers_for(ANY)
    notebook_files.note_files_of_page("output/post/index.html", context={"article": post})
    assert notebook_files.needed_files == {f"{'a' * notebook_files.NAME_LENGTH}.png": "post.ipynb"}


# Valid HTML -------------------------------------------------------------------------------------


@pytest.mark.validator
def test_a_page_of_every_kind_of_cell_and_output_passes_the_nu_html_checker(settings, tmp_path):
    require_tool(shutil.which("java"), "java is not installed: the Nu HTML Checker needs it")
    png = encoded(png_bytes())
    error = {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[0;31mE\x1b[0m: v"]}
    cells = [
        markdown_cell(
            "# A heading\n\nText with ![an attachment](attachment:a.png).",
            attachments={"a.png": {"image/png": png}},
        ),
        code_cell(
            "#| fig-cap: A caption\nprint('x')",
            [stream("x\n"), stream("w\n", "stderr"), display({"image/png": png})],
            count=1,
        ),
        code_cell("df", [result({"text/html": DATAFRAME}, count=2)], count=2),
        code_cell("1/0", [error], count=3, tags=["hide-input"]),
        code_cell(
            "#| fig-alt: an svg\nsvg()",
            [display({"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'})],
        ),
        code_cell(
            "long()", [stream("".join(f"{number}\n" for number in range(3_000)))], tags=["hide-output"]
        ),
        code_cell("x", [result({"text/plain": "<plain> & text"}, count=None)], count=None),
        markdown_cell("## Results\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
    ]
    soup_html = notebooks.NotebookReader(settings).read(write_notebook(settings["PATH"], cells))[0]
    assert nu_checker_errors_of_fragment(f"<h1>A notebook</h1>{soup_html}", tmp_path, "A notebook") == []


# In a browser -----------------------------------------------------------------------------------

THEME_CSS = Path(__file__).resolve().parents[1] / "theme" / "static" / "css"


def contrast(foreground, background):
    """WCAG's contrast ratio of two computed colours, "rgb(r, g, b)"."""

    def luminance(colour):
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.browser
def test_at_320_pixels_in_light_and_dark_only_wide_outputs_scroll_and_colours_stay_readable(
    settings, tmp_path, chromium
):
    site = tmp_path / "site"
    settings["SITEURL"] = site.as_uri()  # the page is opened from a file: its path is the site's
    columns = "".join(f"<th>column {number}</th>" for number in range(12))
    cells = [
        markdown_cell("Some text before the code."),
        code_cell(
            "df.head()  # a comment long enough to be wider than a phone's screen",
            [
                result(
                    {
                        "text/html": (
                            f"<table><thead><tr>{columns}</tr></thead>"
                            "<tbody><tr><td>1</td></tr></tbody></table>"
                        )
                    }
                ),
            ],
        ),
        code_cell("#| fig-alt: a red box\nplot()", [display({"image/png": encoded(png_bytes((600, 400)))})]),
        code_cell(
            "1 / 0",
            [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[0;31mE\x1b[0m: v"]}],
        ),
    ]
    body = notebooks.NotebookReader(settings).read(write_notebook(settings["PATH"], cells))[0]
    notebook_files.NotebookFilesGenerator({}, settings, settings["PATH"], "", str(site))
    written_page(SimpleNamespace(content=body, source_path="post.ipynb", settings=settings))
    notebook_files.write_files(notebook_files.needed_files, settings, str(site))
    styles = [THEME_CSS / "main.css", THEME_CSS / "code.css", THEME_CSS / "notebook.css"]
    links = "".join(f'<link rel="stylesheet" href="{style.as_uri()}">' for style in styles)
    page_file = site / "index.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A notebook</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{links}</head>'
        f'<body><main><h1>A notebook</h1><div class="post-body">{body}</div></main></body></html>',
        encoding="utf-8",
    )
    red = {}
    for scheme in ("light", "dark"):
        page = chromium.new_page(viewport={"width": 320, "height": 800}, color_scheme=scheme)
        try:
            page.goto(page_file.as_uri())
            assert (
                page.evaluate("document.documentElement.scrollWidth") <= 320
            )  # the page never scrolls sideways
            table = page.locator(".notebook-html")
            assert table.evaluate("element => element.scrollWidth > element.clientWidth")  # the table does
            assert page.locator(".notebook-image img").evaluate("image => image.naturalWidth") == 600
            widths = page.locator(".visually-hidden").evaluate_all(
                "all => all.map(e => e.getBoundingClientRect().width)"
            )
            assert widths and max(widths) <= 1
            colour = page.locator(".ansi-red").evaluate("e => getComputedStyle(e).color")
            background = page.locator(".notebook-error pre").evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            assert contrast(colour, background) >= 4.5, (scheme, colour, background)
            red[scheme] = colour
        finally:
            page.close()
    assert red["light"] != red["dark"]


def test_a_subclass_gives_the_reader_its_converter_as_the_reading_plugin_will(settings):
    class SiteNotebookReader(notebooks.NotebookReader):
        def __init__(self, settings):
            super().__init__(settings)
            self.markdown_to_html = lambda text: "<p>from the site's converter</p>"

    path = write_notebook(settings["PATH"], [markdown_cell("anything")])
    html, _ = SiteNotebookReader(settings).read(path)
    assert BeautifulSoup(html, "html.parser").find("p").get_text() == "from the site's converter"


# In a build of the site -------------------------------------------------------------------------------


def test_a_notebook_in_the_content_folder_is_a_post_of_the_site_cold_and_warm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    cells = [
        markdown_cell('The identity $e^{i\\pi}+1=0$, and "quotes".'),
        code_cell("#| fig-alt: a red square\nplot()", [display({"image/png": encoded(png_bytes())})]),
    ]
    write_notebook(content, cells, name="analysis.ipynb")
    (content / "analysis.nbdata").write_text("Title: An analysis\nDate: 2024-05-01 10:00\nSlug: analysis\n")
    (content / "embeds.md").write_text(
        "Title: Embeds\nDate: 2024-05-02\nSlug: embeds\n\n{% notebook analysis.ipynb cells[0:1] %}\n",
        encoding="utf-8",
    )
    settings = {"PATH": str(content), "NOTEBOOK_DIR": "", "OUTPUT_PATH": str(tmp_path / "output")}
    cache = tmp_path / "cache"
    for _ in ("cold", "warm"):  # the warm build takes the notebook from the content cache
        built = build_with_cache(FIXTURE_SETTINGS / "pelicanconf.py", cache, **settings)
        page = BeautifulSoup(
            (built.output / "posts" / "analysis" / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert page.h1.get_text() == "An analysis"
        cell_text = page.select_one(".post-body p")
        assert (
            cell_text.math is not None and "\u201cquotes\u201d" in cell_text.get_text()
        )  # the site's Markdown
        image = page.select_one(".post-body img")
        assert (built.output / image["src"].lstrip("/")).is_file()
        assert any("notebook." in link["href"] for link in page.select('link[rel="stylesheet"]'))
    embedded = (built.output / "posts" / "embeds" / "index.html").read_text(encoding="utf-8")
    assert "<math" in embedded and "{% notebook" not in embedded
