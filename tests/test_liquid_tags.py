"""Liquid tags (plugins/liquid_tags.py): what each renders, what stays text, and what is a problem.

Every test converts Markdown with one Markdown instance made as the site's reader makes it (the
MARKDOWN settings of pelicanconf.py, the project's extension), and reads the HTML as soup.
"""

import os
import shutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

import plugins
from helpers import SAMPLE_CONTENT, build_site, nu_checker_errors_of_fragment
from ourblog.build import BuildFailed
from ourblog.settings import MARKDOWN
from plugins import problems
from plugins.liquid_tags import LiquidTags
from plugins.markdown_extension import FocusableCode

HELLO = 'def hello():\n    return "hi"\n\n\nprint(hello())\n'


class ImagesSeen(Treeprocessor):
    """Stands in for the site's tree processor (priority 6): the src of every img element it visits."""

    def __init__(self, md, seen):
        super().__init__(md)
        self.seen = seen

    def run(self, root):
        self.seen.extend(image.get("src") for image in root.iter("img"))


@dataclass
class Converted:
    html: str
    soup: BeautifulSoup
    problems: list  # of plugins.problems.Problem, sorted
    images_seen: list

    def problem_lines(self):
        return [(problem.line, problem.message) for problem in self.problems]


class Site:
    """A content folder, and one Markdown instance that converts file after file, as the reader does."""

    def __init__(self, root, **settings):
        self.content = root / "content"
        (self.content / "code").mkdir(parents=True)
        (self.content / "code" / "hello.py").write_text(HELLO, encoding="utf-8")
        self.settings = {"PATH": str(self.content), "STATIC_PATHS": ["images", "code"], **settings}
        # The reader sets the path of each file before converting it; the extension must read it then.
        self.current_file = types.SimpleNamespace(path=str(self.content / "no-file-yet.md"))
        self.images_seen = []
        configs = {name: dict(config) for name, config in MARKDOWN["extension_configs"].items()}
        configs["markdown.extensions.codehilite"]["pygments_formatter"] = FocusableCode
        self.md = Markdown(
            extensions=[*configs, LiquidTags(self.current_file, self.settings)],
            extension_configs=configs,
            output_format=MARKDOWN["output_format"],
        )
        self.md.treeprocessors.register(ImagesSeen(self.md, self.images_seen), "images_seen", 6)

    def convert(self, text, name="post.md"):
        path = self.content / name
        path.write_text(text, encoding="utf-8")
        self.current_file.path = str(path)
        self.images_seen.clear()
        problems.collector = problems.Collector()
        self.md.reset()
        html = self.md.convert(text)
        return Converted(
            html,
            BeautifulSoup(html, "html.parser"),
            sorted(problems.collector.problems),
            list(self.images_seen),
        )


@pytest.fixture
def site(tmp_path):
    yield Site(tmp_path)
    problems.collector = None


def top_level(converted):
    """The names of the HTML's top-level elements, in order."""
    return [element.name for element in converted.soup.find_all(recursive=False)]


# img --------------------------------------------------------------------------------------------


def test_an_image_tag_gives_classes_sizes_title_and_alt_text(site):
    page = site.convert(
        '{% img left half /images/ninja.png 150 100 "Ninja Attack!" "A ninja in attack posture" %}\n'
    )
    image = page.soup.img
    assert image["src"] == "/images/ninja.png"
    assert image["class"] == ["left", "half"]
    assert (image["width"], image["height"]) == ("150", "100")
    assert (image["title"], image["alt"]) == ("Ninja Attack!", "A ninja in attack posture")
    assert page.problems == []


@pytest.mark.parametrize(
    ("tag", "title", "alt"),
    [
        (
            "{% img /images/a.png Don't panic, it's fine %}",
            "Don't panic, it's fine",
            "Don't panic, it's fine",
        ),
        ("{% img /images/a.png 'A quoted title' %}", "A quoted title", "A quoted title"),
        ("{% img /images/a.png 'Title' \"Alt, said otherwise\" %}", "Title", "Alt, said otherwise"),
        ('{% img /images/a.png 40 "Wide" %}', "Wide", "Wide"),
    ],
)
def test_an_images_title_is_its_alt_text_unless_the_tag_gives_both(site, tag, title, alt):
    image = site.convert(tag + "\n").soup.img
    assert (image["title"], image["alt"]) == (title, alt)


@pytest.mark.parametrize(
    "src", ["/images/a.png", "{static}/images/a.png", "images/a.png", "https://example.com/a.png", "a.png"]
)
def test_an_images_src_is_kept_as_written_and_the_site_sees_an_img_element(site, src):
    page = site.convert(f"A kite {{% img {src} A kite %}} in a sentence.\n")
    assert page.soup.p.img["src"] == src  # inline, in its sentence
    assert "A kite" in page.soup.p.get_text()
    assert page.images_seen == [src]  # an element the site's tree processor sizes and describes


def test_an_images_lazy_or_eager_loading_is_kept(site):
    page = site.convert("{% img /images/a.png lazy 10 20 A %} {% img /images/b.png eager B %}\n")
    assert [(image.get("loading"), image.get("width")) for image in page.soup.find_all("img")] == [
        ("lazy", "10"),
        ("eager", None),
    ]


def test_an_image_tag_without_an_image_is_a_problem(site):
    page = site.convert("Text\n\n{% img just words %}\n")
    assert len(page.problems) == 1
    assert page.problems[0].line == 3 and "names no image" in page.problems[0].message
    assert "{% img just words %}" in page.soup.get_text()  # shown as typed
    assert page.soup.img is None


# video and audio --------------------------------------------------------------------------------


def test_a_video_has_a_source_of_each_type_its_size_and_poster(site):
    page = site.convert("{% video /v/a.mp4 /v/a.webm /v/a.ogv 640 480 /v/poster.jpg %}\n")
    video = page.soup.video
    assert top_level(page) == ["video"]  # alone in its paragraph: not inside a <p>
    assert video.has_attr("controls") and video["preload"] == "metadata"
    assert (video["width"], video["height"], video["poster"]) == ("640", "480", "/v/poster.jpg")
    assert [(source["src"], source["type"]) for source in video.find_all("source")] == [
        ("/v/a.mp4", "video/mp4"),
        ("/v/a.webm", "video/webm"),
        ("/v/a.ogv", "video/ogg"),
    ]
    assert video["class"] == ["video-player"]
    assert page.problems == []


def test_a_video_sized_in_percent_leaves_its_size_to_the_stylesheet(site):
    video = site.convert("{% video {static}/v/a.mp4 100% 480 %}\n").soup.video
    assert not video.has_attr("width")  # HTML's width holds pixels only
    assert video["height"] == "480"
    assert video.source["src"] == "{static}/v/a.mp4"


def test_a_video_of_another_type_lets_the_browser_find_its_type(site):
    source = site.convert("{% video /v/a.mov %}\n").soup.source
    assert source["src"] == "/v/a.mov" and not source.has_attr("type")


def test_a_video_tag_without_a_file_is_a_problem(site):
    page = site.convert("{% video 640 480 %}\n")
    assert "names no video file" in page.problems[0].message
    assert page.soup.video is None and top_level(page) == ["p"]


def test_audio_has_a_source_for_each_file(site):
    page = site.convert("{% audio /a/x.mp3 /a/x.ogg %}\n")
    audio = page.soup.audio
    assert top_level(page) == ["audio"]
    assert audio.has_attr("controls")
    assert [(source["src"], source["type"]) for source in audio.find_all("source")] == [
        ("/a/x.mp3", "audio/mpeg"),
        ("/a/x.ogg", "audio/ogg"),
    ]


# YouTube and Vimeo ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "src", "title"),
    [
        ("{% youtube dQw4w9WgXcQ %}", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "YouTube"),
        ("{% vimeo 76979871 %}", "https://player.vimeo.com/video/76979871", "Vimeo"),
    ],
)
def test_a_player_is_a_lazy_titled_iframe_without_style_or_obsolete_attributes(site, tag, src, title):
    page = site.convert(tag + "\n")
    frame = page.soup.iframe
    assert top_level(page) == ["iframe"]
    assert frame["src"] == src
    assert title in frame["title"]
    assert frame["loading"] == "lazy" and frame.has_attr("allowfullscreen")
    assert (frame["width"], frame["height"]) == ("640", "390")
    assert frame["class"] == ["video-frame"]
    for obsolete in ("style", "frameborder", "scrolling", "webkitallowfullscreen", "mozallowfullscreen"):
        assert not frame.has_attr(obsolete)


def test_a_players_size_and_its_place_in_a_sentence_are_kept(site):
    page = site.convert("Watch {% youtube dQw4w9WgXcQ 560 315 %} now.\n")
    frame = page.soup.p.iframe  # inline content: it stays in its sentence
    assert (frame["width"], frame["height"]) == ("560", "315")
    assert page.soup.p.get_text(" ", strip=True) == "Watch now."


@pytest.mark.parametrize(
    "tag",
    ["{% youtube %}", "{% youtube https://youtu.be/dQw4w9WgXcQ %}", "{% vimeo abc %}", "{% vimeo 1 640 %}"],
)
def test_a_player_without_an_id_or_with_half_a_size_is_a_problem(site, tag):
    page = site.convert(tag + "\n")
    assert len(page.problems) == 1 and page.problems[0].line == 1
    assert page.soup.iframe is None
    assert tag in page.soup.get_text()


# include_code -----------------------------------------------------------------------------------


def test_included_code_is_a_figure_with_a_caption_and_a_link_to_the_file(site):
    page = site.convert("{% include_code hello.py A greeting %}\n")
    figure = page.soup.figure
    assert top_level(page) == ["figure"] and figure["class"] == ["code"]
    caption = figure.figcaption
    assert caption.find(class_="code-title").get_text() == "A greeting"
    link = caption.find("a", class_="code-filename")
    assert (link.get_text(), link["href"]) == ("hello.py", "{static}/code/hello.py")
    assert figure.find("div", class_="highlight").get_text() == HELLO.strip("\n") + "\n"
    assert page.problems == []


def test_included_code_is_coloured_exactly_as_a_fenced_block_of_it(site):
    included = site.convert("{% include_code hello.py lang:python :hideall: %}\n")
    fenced = site.convert(f"```python\n{HELLO}```\n")
    assert str(included.soup.figure.find("div", class_="highlight")) == str(
        fenced.soup.find("div", class_="highlight")
    )
    assert included.soup.figure.pre["tabindex"] == "0"  # the site's formatter, not Pygments' default
    assert included.soup.find("span", class_="k").get_text() == "def"  # coloured as Python
    assert included.soup.figcaption is None


def test_included_code_without_lang_is_coloured_by_its_file_name(site):
    keywords = site.convert("{% include_code hello.py %}\n").soup.find_all("span", class_="k")
    assert [keyword.get_text() for keyword in keywords] == ["def", "return"]


def test_included_lines_are_those_asked_for(site):
    page = site.convert("{% include_code hello.py lines:5-5 Just the call %}\n")
    assert page.soup.find("div", class_="highlight").get_text().strip() == "print(hello())"
    assert page.soup.find(class_="code-lines").get_text() == "lines 5-5"


@pytest.mark.parametrize(
    ("flags", "file_name", "links"),
    [
        (":hidefilename: A title", None, ["download"]),
        (":hidelink: A title", "hello.py", []),
        (":hidefilename: :hidelink: A title", None, []),
    ],
)
def test_the_caption_leaves_out_what_the_tag_hides(site, flags, file_name, links):
    caption = site.convert(f"{{% include_code hello.py {flags} %}}\n").soup.figcaption
    assert caption.find(class_="code-title").get_text() == "A title"
    shown_name = caption.find(class_="code-filename")
    assert (shown_name.get_text() if shown_name else None) == file_name
    assert [link.get_text() for link in caption.find_all("a")] == links


def test_code_comes_from_code_dir_in_any_folder_below_it(site):
    folder = site.content / "snippets" / "sub"
    folder.mkdir(parents=True)
    (folder / "x.js").write_text("let answer = 42;\n", encoding="utf-8")
    site.settings.update(CODE_DIR="snippets", STATIC_PATHS=["snippets"])
    link = site.convert("{% include_code sub/x.js %}\n").soup.find("a", class_="code-filename")
    assert (link.get_text(), link["href"]) == ("x.js", "{static}/snippets/sub/x.js")


def test_a_missing_code_file_is_a_problem_and_the_rest_of_the_post_renders(site):
    page = site.convert("First.\n\n{% include_code nowhere.py %}\n\nLast *words*.\n")
    [problem] = page.problems
    assert problem.path == problems.shown(str(site.content / "post.md"))
    assert problem.line == 3
    assert problems.shown(str(site.content / "code" / "nowhere.py")) in problem.message
    assert page.soup.find_all("p")[1].get_text() == "{% include_code nowhere.py %}"
    assert page.soup.em.get_text() == "words"  # the post goes on being read


@pytest.mark.parametrize(
    ("lines", "wanted"),
    [("lines:4-9", "has 5 lines"), ("lines:3-2", "1 ≤ X ≤ Y"), ("lines:a-b", "lines:X-Y")],
)
def test_lines_that_the_file_does_not_have_are_a_problem(site, lines, wanted):
    page = site.convert(f"Intro.\n\n{{% include_code hello.py {lines} %}}\n")
    [problem] = page.problems
    assert problem.line == 3 and wanted in problem.message
    assert page.soup.figure is None


def test_an_unknown_language_is_a_problem(site):
    page = site.convert("{% include_code hello.py lang:pyhton %}\n")
    assert "lang:pyhton" in page.problems[0].message


def test_a_linked_code_file_pelican_does_not_copy_is_a_problem_unless_the_link_is_hidden(site):
    site.settings["STATIC_PATHS"] = ["images"]
    linked = site.convert("{% include_code hello.py %}\n")
    assert "STATIC_PATHS" in linked.problems[0].message
    assert site.convert("{% include_code hello.py :hidelink: %}\n").problems == []


def test_included_code_inside_a_sentence_is_a_problem(site):
    page = site.convert("See {% include_code hello.py %} here.\n")
    assert "a paragraph of its own" in page.problems[0].message
    assert page.soup.figure is None and "{% include_code hello.py %}" in page.soup.p.get_text()


def test_a_tag_alone_in_a_list_item_or_a_quote_is_a_block_there_too(site):
    page = site.convert("- {% youtube dQw4w9WgXcQ %}\n\n> {% include_code hello.py %}\n")
    assert page.soup.li.find("iframe", recursive=False) is not None
    assert page.soup.blockquote.find("figure", recursive=False) is not None
    assert page.soup.find("p") is None


# literal and gist -------------------------------------------------------------------------------


def test_literal_shows_the_tag_as_typed_wherever_it_is(site):
    page = site.convert(
        "Write {% literal video /v/a.mp4 <b> %} to embed.\n\n{% literal youtube id %}\n\nText\n{% literal foo %}\n"
    )
    texts = [paragraph.get_text() for paragraph in page.soup.find_all("p")]
    # the last one is where Markdown's attr_list would take a "{…}" for attributes
    assert texts == ["Write {% video /v/a.mp4 <b> %} to embed.", "{% youtube id %}", "Text\n{% foo %}"]
    assert page.soup.video is None and page.soup.b is None and page.problems == []


def test_a_gist_is_a_link_to_it_naming_the_file(site):
    page = site.convert("{% gist 4f1a2b3c example.py %} and {% gist 99 %}\n")
    links = page.soup.find_all("a")
    assert [link["href"] for link in links] == [
        "https://gist.github.com/4f1a2b3c",
        "https://gist.github.com/99",
    ]
    assert "example.py" in links[0].get_text() and "99" in links[1].get_text()
    assert page.soup.script is None


# notebook ---------------------------------------------------------------------------------------


class FakeNotebookError(Exception):
    pass


@pytest.fixture
def notebooks(monkeypatch):
    """plugins.notebooks, stood in for: it records each call and returns a block of HTML."""
    fake = types.ModuleType("plugins.notebooks")
    fake.NotebookError = FakeNotebookError
    fake.calls = []

    def embed_notebook(path, cells, settings, markdown_to_html=None):
        fake.calls.append((path, cells, settings))
        if "broken" in path:
            raise FakeNotebookError(f"the notebook {path} is not JSON: line 3, column 1.")
        return '<div class="notebook"><p>Cell</p></div>\n'

    fake.embed_notebook = embed_notebook
    monkeypatch.setitem(sys.modules, "plugins.notebooks", fake)
    monkeypatch.setattr(plugins, "notebooks", fake, raising=False)
    return fake


@pytest.mark.parametrize(
    ("arguments", "cells"),
    [
        ("", None),
        (" cells[2:8]", slice(2, 8)),
        (" cells[:3] language[julia]", slice(None, 3)),
        (" cells[-2:]", slice(-2, None)),
    ],
)
def test_a_notebook_is_embedded_from_notebook_dir_with_the_cells_asked_for(site, notebooks, arguments, cells):
    page = site.convert(f"Before.\n\n{{% notebook intro.ipynb{arguments} %}}\n")
    [(path, chosen, settings)] = notebooks.calls
    assert Path(path) == site.content / "notebooks" / "intro.ipynb"
    assert chosen == cells and settings is site.settings
    assert top_level(page) == ["p", "div"]  # the notebook's block, in no <p>
    assert page.problems == []


def test_notebook_dir_is_where_notebooks_are_found(site, notebooks):
    site.settings["NOTEBOOK_DIR"] = "nb"
    site.convert("{% notebook a/b.ipynb %}\n")
    assert Path(notebooks.calls[0][0]) == site.content / "nb" / "a" / "b.ipynb"


def test_a_notebook_that_cannot_be_read_is_a_problem_with_its_message(site, notebooks):
    page = site.convert("Intro.\n\n{% notebook broken.ipynb %}\n\nAfter.\n")
    [problem] = page.problems
    assert problem.line == 3 and problem.message.endswith("is not JSON: line 3, column 1.")
    assert [p.get_text() for p in page.soup.find_all("p")] == [
        "Intro.",
        "{% notebook broken.ipynb %}",
        "After.",
    ]


def test_without_the_notebooks_module_a_notebook_tag_is_a_problem(site, monkeypatch):
    monkeypatch.setitem(sys.modules, "plugins.notebooks", None)  # as if the module did not exist
    monkeypatch.delattr(plugins, "notebooks", raising=False)
    page = site.convert("{% notebook a.ipynb %}\n\n{% youtube dQw4w9WgXcQ %}\n")
    assert "plugins/notebooks.py" in page.problems[0].message
    assert page.soup.iframe is not None


# unknown tags, code, raw HTML -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", ["{% photo /images/a.jpg %}", "{% flickr 1234 %}", "{% imgg /images/a.png <i>A</i> %}"]
)
def test_an_unknown_tag_is_a_problem_naming_file_line_and_tag_and_is_shown_as_typed(site, tag):
    page = site.convert(f"Title line.\n\nSome text, then {tag} <b>here</b>.\n", name="moved.md")
    [problem] = page.problems
    name = tag.split()[1]
    assert problem.path == problems.shown(str(site.content / "moved.md")) and problem.line == 3
    assert tag in problem.message and f"{{% literal {name}" in problem.message
    assert tag in page.soup.find_all("p")[1].get_text()  # escaped: its text, as typed
    assert page.soup.img is None and page.soup.i is None
    assert page.soup.b.get_text() == "here"  # the HTML around it is still HTML


def test_tags_in_code_are_text_and_no_problem(site):
    text = (
        "Inline `{% youtube x %}` code.\n\n"
        "    {% include_code nowhere.py %}\n\n"
        "```jinja\n{% for post in posts %}{{ post.title }}{% endfor %}\n```\n\n"
        "~~~\n{% photo %}\n~~~\n"
    )
    page = site.convert(text)
    assert page.problems == []
    assert page.soup.p.code.get_text() == "{% youtube x %}"
    code_texts = [block.get_text() for block in page.soup.find_all("pre")]
    assert code_texts == [
        "{% include_code nowhere.py %}\n",
        "{% for post in posts %}{{ post.title }}{% endfor %}\n",
        "{% photo %}\n",
    ]
    assert page.soup.iframe is None and page.soup.figure is None


def test_an_escaped_brace_shows_a_tag_as_text(site):
    page = site.convert("Write \\{% youtube id %} to embed.\n")
    assert page.problems == [] and page.soup.p.get_text() == "Write {% youtube id %} to embed."


def test_a_tag_nothing_closes_is_a_problem(site):
    page = site.convert("One.\n\nAn {% img /images/a.png with no end\n")
    [problem] = page.problems
    assert problem.line == 3 and "closes" in problem.message
    assert page.soup.find_all("p")[1].get_text() == "An {% img /images/a.png with no end"


def test_a_tag_in_raw_html_is_a_problem_but_not_in_its_code(site):
    page = site.convert(
        "<div>\n{% youtube dQw4w9WgXcQ %}\n</div>\n\n<div><pre>{% photo %}</pre><!-- {% note %} --></div>\n"
    )
    [problem] = page.problems
    assert problem.line == 2 and 'markdown="1"' in problem.message


def test_a_tag_in_html_that_markdown_reads_is_rendered(site):
    page = site.convert('<div markdown="1">\n{% youtube dQw4w9WgXcQ %}\n</div>\n')
    assert page.soup.div.iframe is not None and page.problems == []


def test_one_instance_reports_each_file_it_converts(site):
    first = site.convert("{% photo %}\n", name="first.md")
    second = site.convert("Line.\n\n{% photo %}\n", name="second.md")
    assert [(p.path, p.line) for p in first.problems] == [(problems.shown(str(site.content / "first.md")), 1)]
    assert [(p.path, p.line) for p in second.problems] == [
        (problems.shown(str(site.content / "second.md")), 3)
    ]


# the HTML checker -------------------------------------------------------------------------------


@pytest.mark.validator
def test_every_tags_html_passes_the_nu_html_checker(site, notebooks, tmp_path):
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("java is not installed, and CI must run the Nu HTML Checker")
        pytest.skip("java is not installed: the Nu HTML Checker needs it")
    tags = [
        'An image {% img left /images/a.png 150 100 "Title" "Alt text" %} in a sentence.',
        "{% video /v/a.mp4 /v/a.webm 640 480 /v/poster.jpg %}",
        "{% audio /a/x.mp3 /a/x.ogg %}",
        "{% youtube dQw4w9WgXcQ %}",
        "Inline {% vimeo 76979871 500 300 %} player.",
        "{% include_code hello.py lines:1-2 A greeting %}",
        "{% include_code hello.py :hidefilename: Download only %}",
        "{% gist 4f1a2b3c example.py %}",
        "{% literal video a b %}",
        "{% notebook intro.ipynb %}",
        "{% photo unknown %}",
    ]
    body = site.convert("\n\n".join(tags) + "\n").html.replace("{static}/", "/")
    assert nu_checker_errors_of_fragment(body, tmp_path, "Every tag") == []


def test_a_post_with_liquid_tags_builds_through_the_sites_reader(tmp_path, monkeypatch):
    # The whole pipeline: the tags rendered, their images sized by the site, code left alone, and a tag
    # nothing renders named with its file and line.
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT / "images", content / "images")
    post = (
        "Title: Tags\nDate: 2024-01-01\nSlug: tags\n\n"
        '{% img /images/ring-240.png "A ring" "a white ring" %}\n\n'
        "{% youtube dQw4w9WgXcQ %}\n\n"
        "In code: `{% raw %}` stays.\n\n"
        "{% photo beach.jpg %}\n"
    )
    (content / "tags.md").write_text(post, encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", PATH=str(content))
    reported = [str(problem) for problem in problems.last_report if not problem.note]
    assert len(reported) == 1 and reported[0].startswith("content/tags.md:11: ") and "{% photo" in reported[0]
    (content / "tags.md").write_text(post.replace("{% photo beach.jpg %}", ""), encoding="utf-8")
    page = build_site(tmp_path / "output", PATH=str(content)).page("/posts/tags/")
    image = page.select_one(".post-body img")
    assert (image["alt"], image["width"], image["height"]) == ("a white ring", "240", "240")
    assert page.select_one("iframe.video-frame")["src"].startswith("https://www.youtube-nocookie.com/embed/")
    assert page.select_one(".post-body code").get_text() == "{% raw %}"
