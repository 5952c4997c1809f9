"""An author's first posts never break the tests: the proof, run as a new author would in a copy of the project.

The copy gets posts of every kind (code, an image, a table, footnotes, reST, a title in Korean, new
tags, a draft from `invoke new-post`, two hundred generated posts) and runs the README's test command,
quickly (`invoke test --quick`: the checks that need no browser or Java): it passes. With one real
defect, a link to a file that is not there, it fails and names the file.
"""

import os
import shutil

import pytest

from bench.run import write_posts
from helpers import SAMPLE_CONTENT, TESTS, copy_repository, run_in

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
    write_posts(content, 200)
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


def test_only_these_tests_read_content():
    # Every other test builds a fixture site of tests/sites/ (copy_project puts one in a copy's content/):
    # whatever the author writes in content/ cannot make them fail. helpers.py names the author's folder and
    # conftest.py builds it, only for its author_site fixtures, which only these modules use.
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("*.py"))}
    assert [name for name, text in sources.items() if "AUTHOR_" + "CONTENT" in text] == [
        "conftest.py",
        "helpers.py",
    ]
    users = [name for name, text in sources.items() if "author_site" in text and name.startswith("test_")]
    assert sorted(set(users) - {"test_new_author.py"}) == AUTHOR_TESTS
