"""Typography (plugins/typography.py): what quotes, dashes and dots become, in text, and never in code."""

import pytest

from helpers import build_site
from plugins.typography import typeset

CASES = {
    "double quotes": ('"Quoted," she said.', "\u201cQuoted,\u201d she said."),
    "nested quotes": ("\"'Nested,' she said\"", "\u201c\u2018Nested,\u2019 she said\u201d"),
    "apostrophes": ("It's the author's", "It\u2019s the author\u2019s"),
    "an elided year": ("in the '80s", "in the \u201980s"),
    "dashes": ("then -- now --- later", "then \u2014 now \u2014 later"),
    "ellipses": ("Wait... and . . . more", "Wait\u2026 and \u2026 more"),
    "backticks": ("``quoted''", "\u201cquoted\u201d"),
    "a quote after a bracket": ('("aside")', "(\u201caside\u201d)"),
    "nothing to do": ("Plain words", "Plain words"),
}


@pytest.mark.parametrize(("text", "typeset_text"), CASES.values(), ids=CASES.keys())
def test_text_is_made_typographic(text, typeset_text):
    assert typeset(text) == typeset_text


def test_a_quote_closes_after_the_text_before_it():
    # Runs of text between two tags: the character before decides, as in `<em>word</em>"`.
    assert typeset('" and more', before="d") == "\u201d and more"
    assert typeset('"word"', before=" ") == "\u201cword\u201d"


def test_markdown_and_rest_posts_are_typeset_but_never_their_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        'Title: "Quoted" -- title\nDate: 2024-01-01\nSlug: a\n\n"Don\'t" -- he said... `"code" -- kept...`\n\n'
        '```\n"block" -- kept...\n```\n\nAn \\"escaped\\" quote.\n',
        encoding="utf-8",
    )
    (content / "b.rst").write_text(
        'B "post"\n########\n\n:date: 2024-01-01\n:slug: b\n\n"Don\'t" -- he said... ``"code" -- kept``\n\n'
        '::\n\n    "block" -- kept...\n',
        encoding="utf-8",
    )
    built = build_site(tmp_path / "output", PATH=str(content))
    markdown = built.page("/posts/a/")
    assert markdown.h1.get_text() == "\u201cQuoted\u201d \u2014 title"
    paragraph = markdown.select(".post-body p")[0]
    assert paragraph.get_text() == '\u201cDon\u2019t\u201d \u2014 he said\u2026 "code" -- kept...'
    assert markdown.select_one(".post-body pre").get_text() == '"block" -- kept...\n'
    assert markdown.select(".post-body p")[1].get_text() == 'An "escaped" quote.'
    rest = built.page("/posts/b/")
    assert rest.h1.get_text() == "B \u201cpost\u201d"
    assert (
        rest.select(".post-body p")[0].get_text()
        == '\u201cDon\u2019t\u201d \u2014 he said\u2026 "code" -- kept'
    )
    assert rest.select_one(".post-body pre").get_text() == '"block" -- kept...'


def test_typography_is_off_when_the_settings_say_so(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        'Title: "Plain"\nDate: 2024-01-01\nSlug: a\n\n"Quoted" -- text.\n', encoding="utf-8"
    )
    built = build_site(tmp_path / "output", PATH=str(content), TYPOGRAPHY=False)
    page = built.page("/posts/a/")
    assert (
        page.h1.get_text() == '"Plain"' and page.select_one(".post-body p").get_text() == '"Quoted" -- text.'
    )
