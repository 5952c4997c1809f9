"""An author's first posts never break the tests: the proof, run as a new author would in a copy of the project.

The copy gets posts of every kind (code, an image, a table, footnotes, reST, a title in Korean, new
tags, a draft from `invoke new-post`, sixty generated posts) and runs the README's test command,
quickly (`invoke test --quick`: the checks that need no browser or Java): it passes. With one real
defect, a link to a file that is not there, it fails and names the file.
"""

import os
import shutil

import pytest

from bench.posts import write_posts
from helpers import SAMPLE_CONTENT, copy_repository, run_in

# Set in the copy's own run, so that it does not copy the project again.
NESTED = "OUR_BLOG_NESTED_TEST_RUN"
# The tests that read content/: with --quick, only the first runs (the second needs Java).
AUTHOR_TESTS = ["test_author_site.py", "test_html_validity.py"]

POSTS = {
    "code-and-a-table.md": """Title: Code, a table and a footnote
Date: 2025-02-01 10:00
Tags: Python, Data Engineering

Some code:

```python
print("hello")
```

| a | b |
|---|---|
| 1 | 2 |

A claim.[^source]

[^source]: Its source.
""",
    "a-picture.md": """Title: A picture
Date: 2025-02-02 10:00
Tags: photos

![A white ring on a blue square]({static}/images/ring-240.png)
""",
    "restructured.rst": """A post in reStructuredText
##########################

:date: 2025-02-03 10:00
:tags: reST, python

Some *emphasis*, and a `link <https://example.com/>`_.
""",
    "seoul.md": """Title: 서울에서 보낸 하루
Date: 2025-02-04 10:00
Tags: 한국

A post whose title is Korean.
""",
}


pytestmark = [
    # Copies the project and runs its tests there: left out of `invoke test --quick`.
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside the copy's own run"),
]


@pytest.fixture(scope="module")
def project_with_posts(tmp_path_factory):
    project = copy_repository(tmp_path_factory.mktemp("new-author") / "project")
    content = project / "content"
    for name, text in POSTS.items():
        (content / name).write_text(text, encoding="utf-8")
    (content / "images").mkdir(exist_ok=True)
    shutil.copy(SAMPLE_CONTENT / "images" / "ring-240.png", content / "images")
    write_posts(content, 60)  # a site of some size: enough posts for listings of several pages
    result = run_in(project, "-m", "invoke", "new-post", "My first draft", "--tags", "Brand New, Ideas")
    assert result.returncode == 0, result.stderr
    return project


def run_the_author_tests(project, *options):
    """The README's test command in the copy, for the tests that read content/: every other one builds a fixture
    site of tests/sites/, whatever content/ holds (test_only_these_tests_read_content)."""
    # In one process: these few tests share two builds of the copy's site, which workers would each repeat.
    tests = [f"tests/{name}" for name in AUTHOR_TESTS]
    options = " ".join(["-q", "-p", "no:cacheprovider", "-n", "0", *options, *tests])
    return run_in(project, "-m", "invoke", "test", "--quick", "--options", options, **{NESTED: "1"})


def test_the_readme_test_command_passes_with_an_authors_posts(project_with_posts):
    result = run_the_author_tests(project_with_posts)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_the_same_posts_with_a_broken_link_fail_and_name_the_file(project_with_posts):
    post = project_with_posts / "content" / "seoul.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text + "\nSee [the other day]({filename}/another-day.md).\n", encoding="utf-8")
    result = run_the_author_tests(project_with_posts, "-x")
    assert result.returncode != 0
    problem = (
        "content/seoul.md:7: links to {filename}/another-day.md, but content/another-day.md does not exist."
    )
    assert problem in result.stdout + result.stderr


# The project's tests that failed when an author's settings and posts replaced the starter's: they build
# the seed and sample sites and read their pages at the project's own addresses.
PROJECT_TESTS = ["test_content.py", "test_structure.py", "test_links.py", "test_pelican_content.py"]
# An old blog's settings, as an author copies them: Pelican's default addresses, nothing else.
FOREIGN_SETTINGS = """
ARTICLE_URL = "{slug}.html"
ARTICLE_SAVE_AS = "{slug}.html"
PAGE_URL = "pages/{slug}.html"
PAGE_SAVE_AS = "pages/{slug}.html"
TAG_URL = "tag/{slug}.html"
TAG_SAVE_AS = "tag/{slug}.html"
"""


def test_the_projects_tests_pass_whatever_the_author_writes(project_with_posts):
    # content/ and the settings at the root are the author's: with another URL scheme there, and a post
    # with a real defect, the project's tests still pass, as they build fixture sites with their own.
    settings = project_with_posts / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + FOREIGN_SETTINGS, encoding="utf-8")
    broken = project_with_posts / "content" / "broken.md"
    broken.write_text(
        "Title: Broken\nDate: 2025-03-01\n\n[Nowhere]({filename}/nowhere.md)\n", encoding="utf-8"
    )
    try:
        tests = [f"tests/{name}" for name in PROJECT_TESTS]
        options = " ".join(["-q", "-p", "no:cacheprovider", "-n", "0", *tests])
        result = run_in(
            project_with_posts, "-m", "invoke", "test", "--quick", "--options", options, **{NESTED: "1"}
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        # And the author's own checks do read them: the defect is named.
        result = run_the_author_tests(project_with_posts, "-x")
        assert (
            result.returncode != 0 and "content/broken.md:4: links to {filename}/nowhere.md" in result.stdout
        )
    finally:
        broken.unlink()
        settings.write_text(
            settings.read_text(encoding="utf-8").replace(FOREIGN_SETTINGS, ""), encoding="utf-8"
        )
