"""What the site's readers make of a post can be kept in Pelican's content cache, which pickles it.

A post's tags, category and authors keep the settings of the reader that read them, and the site's
Markdown reader's settings hold its extensions: each of them must pickle, the converter of an
embedded notebook's cells included, once it has been used. Without this every cached build (the live
preview's, `build_with_cache`) fails as it saves the cache.
"""

import json
import pickle

from pelican import Pelican
from pelican.readers import Readers
from pelican.settings import read_settings

from helpers import FIXTURE_SETTINGS
from plugins import problems

NOTEBOOK = {
    "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["Some *emphasis* in a cell."]}],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_a_post_read_with_a_tag_and_an_embedded_notebook_pickles_and_comes_back_whole(tmp_path, monkeypatch):
    content = tmp_path / "content"
    (content / "notebooks").mkdir(parents=True)
    (content / "notebooks" / "cells.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    post = content / "post.md"
    post.write_text(
        "Title: A post\nDate: 2024-01-01\nTags: Python\n\n{% notebook cells.ipynb %}\n", encoding="utf-8"
    )
    monkeypatch.setattr(problems, "collector", problems.Collector())
    settings = read_settings(
        str(FIXTURE_SETTINGS / "pelicanconf.py"),
        override={"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "output"), "CACHE_CONTENT": False},
    )
    readers = Readers(Pelican(settings).settings)  # Pelican loads the plugins, which give their readers
    html, metadata = readers.readers["md"].read(str(post))
    assert "<em>emphasis</em>" in html  # the notebook's cell went through its converter
    html_again, metadata_again = pickle.loads(pickle.dumps((html, metadata)))  # as the cache keeps it
    assert html_again == html
    assert [tag.name for tag in metadata_again["tags"]] == ["Python"]
