"""The reading pipeline (plugins/reading.py), on small sites written by each test: what a file becomes."""

import shutil

import pytest
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from helpers import SAMPLE_CONTENT, build_site, normalise
from ourblog import settings as DEFAULT_SETTINGS
from ourblog.build import BuildFailed
from plugins import problems

POST = "Title: A post\nDate: 2024-01-01 09:00\nSlug: a\n"


@pytest.fixture
def site_of(tmp_path, monkeypatch):
    """Build a site from {file name: text}, with the sample site's two images beside them. Problems are
    reported as the author reads them, from the project's folder: "content/a.md"."""
    monkeypatch.chdir(tmp_path)

    def build(files, **overrides):
        content = tmp_path / "content"
        shutil.rmtree(content, ignore_errors=True)
        shutil.copytree(SAMPLE_CONTENT / "images", content / "images")
        for name, text in files.items():
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_text(text, encoding="utf-8")
        return build_site(tmp_path / "output", PATH=str(content), **overrides)

    return build


def test_images_written_as_html_are_sized_too_and_an_authors_own_size_is_kept(site_of):
    site = site_of(
        {
            "a.md": POST + '\n<img src="{static}/images/ring-480.png" alt="Big ring">\n\n'
            '<img src="{static}/images/ring-240.png" alt="Small ring" width="100">\n\n'
            '<img src="https://example.com/far.png" alt="Far away" width="70%">\n'
        }
    )
    images = site.page("/posts/a/").select(".post-body img")
    sizes = [(image.get("width"), image.get("height"), image.get("loading")) for image in images]
    # The second keeps its width and gets the height in proportion; the third cannot be measured.
    assert sizes == [("480", "480", "eager"), ("100", "100", "lazy"), ("70%", None, "lazy")]


def test_a_restructuredtext_image_in_percent_leaves_its_size_to_the_stylesheet(site_of):
    rest = "A post\n######\n\n:date: 2024-01-01\n:slug: a\n\n.. image:: {static}/images/ring-240.png\n   :width: 50%\n   :alt: A ring\n"
    image = site_of({"a.rst": rest}).page("/posts/a/").select_one(".post-body img")
    assert (image["width"], image["height"]) == ("240", "240")  # the file's own size: never style=
    assert not image.get("style")


def test_notes_are_gone_from_markdown_and_rest_alike(site_of):
    site = site_of(
        {
            "a.md": POST + "\nBefore. <!-- inline -- note --> After.\n\n<!--\nblock -> note\n-->\n\nEnd.\n",
            "b.rst": "B post\n######\n\n:date: 2024-01-01\n:slug: b\n\nText.\n\n.. a reST comment -- note\n\n.. raw:: html\n\n   <!-- raw note --><p>Raw.</p>\n",
        }
    )
    for url in ("/posts/a/", "/posts/b/"):
        html = site.path_for_url(url).read_text(encoding="utf-8")
        assert "note" not in html and "<!--" not in html, url
    assert "<p></p>" not in site.path_for_url("/posts/a/").read_text(encoding="utf-8")


def test_a_body_whose_headings_start_at_two_is_left_as_it_is(site_of):
    site = site_of({"a.md": POST + "\n## Section\n\n### Part\n"})
    assert [heading.name for heading in site.page("/posts/a/").select(".post-body h2, .post-body h3")] == [
        "h2",
        "h3",
    ]


def test_a_description_falls_back_from_summary_to_subtitle_to_text_to_title(site_of):
    site = site_of(
        {
            "summary.md": "Title: S\nDate: 2024-01-01\nSummary: The *given* summary.\nSubtitle: Sub\n\nText.\n",
            "subtitle.md": "Title: T\nDate: 2024-01-02\nSubtitle: The subtitle\n\nText.\n",
            "text.md": "Title: U\nDate: 2024-01-03\n\n" + "Word " * 60 + "\n\nSecond paragraph.\n",
            "picture.md": "Title: A picture alone\nDate: 2024-01-04\n\n![A ring]({static}/images/ring-240.png)\n",
        }
    )

    def description(slug):
        return site.page(f"/posts/{slug}/").find("meta", attrs={"name": "description"})["content"]

    assert description("s") == "The given summary."
    assert description("t") == "The subtitle"
    assert (
        description("u").endswith("…") and len(description("u")) <= 160 and "Second" not in description("u")
    )
    assert description("a-picture-alone") == "A picture alone"


def test_a_title_is_text_and_its_typography_is_kept(site_of):
    site = site_of({"a.md": 'Title: "Fish" & <chips>\nDate: 2024-01-01\nSlug: a\n\nText.\n'})
    page = site.page("/posts/a/")
    assert normalise(page.h1.get_text()) == normalise('"Fish" & <chips>') and page.h1.find("chips") is None
    assert page.title.get_text().startswith("\u201cFish\u201d & <chips> · ")


# What posts moved in from other Pelican blogs write, and Pelican accepts ----------------------------


def test_empty_fields_are_no_fields(site_of):
    # An empty Tags: line is no tags, whichever field it is: Pelican accepts them all.
    post = "Title: Empty fields\nDate: 2024-01-01 09:00\nSlug: a\nTags:\nCategory:\nSummary:\nAuthors:\nSubtitle:\n\nText.\n"
    site = site_of({"a.md": post})
    page = site.page("/posts/a/")
    assert not page.select(".tag-list") and not page.select(".post-subtitle")
    assert page.find("meta", attrs={"name": "description"})["content"] == "Text."


def test_entities_in_a_title_are_read_and_the_slug_is_the_one_pelican_gives(site_of):
    raw = "What&#039;s new &amp; <b>bold</b>"
    site = site_of({"a.md": f"Title: {raw}\nDate: 2024-01-01 09:00\n\nText.\n"})
    slug = slugify(raw, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    page = site.page(f"/posts/{slug}/")
    # Entities decoded, markup typed into the title shown as typed, typography set.
    assert page.h1.get_text() == "What\u2019s new & <b>bold</b>"
    assert page.title.get_text().startswith("What\u2019s new & <b>bold</b> · ")


def test_a_heading_that_holds_a_link_gets_its_own_link_beside_its_text(site_of):
    site = site_of({"a.md": POST + "\n## See [the manual](https://example.com/manual)\n\nText.\n"})
    heading = site.page("/posts/a/").select_one(".post-body h2")
    links = heading.find_all("a")
    assert [link["href"] for link in links] == ["https://example.com/manual", f"#{heading['id']}"]
    assert not heading.select("a a")  # a link inside a link is invalid HTML
    assert links[1]["aria-label"] == "Link to the section \u201cSee the manual\u201d"


def test_a_post_without_a_title_takes_its_leading_heading(site_of):
    site = site_of({"a.md": "Date: 2024-01-01 09:00\n\n# The real title\n\nText.\n\n## A section\n"})
    page = site.page("/posts/the-real-title/")
    assert [h1.get_text() for h1 in page.find_all("h1")] == ["The real title"]
    assert [h2.get_text().removesuffix("#") for h2 in page.select(".post-body h2")] == ["A section"]


def test_an_exception_while_reading_is_a_problem_of_that_file_and_the_others_still_count(site_of, tmp_path):
    markdown = {
        **DEFAULT_SETTINGS.MARKDOWN,
        "extensions": [ExplodesOnBoom()],
    }
    with pytest.raises(BuildFailed):
        site_of(
            {
                "a.md": POST + "\nBOOM\n",
                "b.md": POST.replace("Slug: a", "Slug: b") + "\n[x]({filename}/no.md)\n",
            },
            MARKDOWN=markdown,
        )
    reported = [str(problem) for problem in problems.last_report]
    assert reported == [
        "content/a.md: could not be read: RuntimeError: the text says BOOM",
        "content/b.md:5: links to {filename}/no.md, but content/no.md does not exist.",
    ]


class ExplodesOnBoom(Extension):
    """A Markdown extension that fails on one word: any exception a reader or plugin might raise."""

    def extendMarkdown(self, md):
        md.preprocessors.register(Explosion(md), "explosion", 100)


class Explosion(Preprocessor):
    def run(self, lines):
        if "BOOM" in lines:
            raise RuntimeError("the text says BOOM")
        return lines


def test_images_without_alt_text_are_listed_and_counted_and_fail_only_when_the_settings_ask(site_of, capsys):
    posts = {
        "a.md": POST + "\n![]({static}/images/ring-240.png)\n\n![](https://example.com/b.png)\n",
        "b.md": POST.replace("Slug: a", "Slug: b") + '\n<img src="{static}/images/ring-480.png">\n',
    }
    built = site_of(posts, REQUIRE_ALT_TEXT=False)
    assert len(built.notes) == 3 and all("without alt text" in note for note in built.notes)
    assert 'alt="a kite over a field">' in built.notes[-1]  # an image written in HTML: advice in HTML
    assert "note: 3 images without alt text in 2 files." in capsys.readouterr().err
    with pytest.raises(BuildFailed):
        site_of(posts, REQUIRE_ALT_TEXT=True)
