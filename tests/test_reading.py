"""The reading pipeline (plugins/reading.py), on small sites written by each test: what a file becomes."""

import shutil

import pytest

from helpers import SAMPLE_CONTENT, build_site, normalise

POST = "Title: A post\nDate: 2024-01-01 09:00\nSlug: a\n"


@pytest.fixture
def site_of(tmp_path):
    """Build a site from {file name: text}, with the sample site's two images beside them."""

    def build(files, **overrides):
        content = tmp_path / "content"
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
    assert sizes == [("480", "480", None), ("100", "100", "lazy"), ("70%", None, "lazy")]


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
