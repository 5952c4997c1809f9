"""The build itself: no warnings, reproducible output, and quick ways of building that stay right."""

import filecmp
import re
import shutil

import markdown
import pytest
import smartypants
from typogrify.filters import typogrify

import parallel_reading
import pelicanconf
import quick_typography
from bench.run import write_posts
from helpers import PUBLISH_SITEURL, SAMPLE_CONTENT, build_site, copy_project, run_in


@pytest.mark.parametrize(
    "built",
    ["site", "sample_site", "publish_site", "sample_publish_site", "sample_root_site", "hostile_site"],
)
def test_build_logs_no_warnings(request, built):
    assert request.getfixturevalue(built).warnings == []


def differing_files(left, right):
    comparison = filecmp.dircmp(left, right)
    differences = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        differences += [f"{name}/{path}" for path in differing_files(left / name, right / name)]
    return differences


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.mark.parametrize(
    ("command", "built"),
    [
        (["-m", "pelican", "content"], "site"),
        (["-m", "invoke", "build"], "site"),
        (["-m", "pelican", "content", "--settings", "publishconf.py"], "publish_site"),
        (["-m", "invoke", "preview"], "publish_site"),
    ],
    ids=["pelican content", "invoke build", "pelican content publishconf", "invoke preview"],
)
def test_command_line_build_matches_the_tested_site(request, project, command, built):
    output = project / "output"
    shutil.rmtree(output, ignore_errors=True)
    result = run_in(project, *command, SITEURL=PUBLISH_SITEURL)
    assert result.returncode == 0, result.stderr
    built_site = request.getfixturevalue(built)
    # Byte for byte, feeds included: two builds of the same sources and settings are identical.
    assert differing_files(built_site.output, output) == []
    if built == "publish_site":
        assert (output / "feeds" / "all.atom.xml").is_file()


TYPOGRAPHIC_CASES = [
    '<p>"\'Quoted\' words in a larger quote," she said -- in the \'80s... and \\"escaped\\" ones.</p>',
    "<p>Don't <em>stop</em>: ``backticks'' -- dashes --- and . . . spaced ellipses.</p>",
    '<p>A &quot;quoted&quot; entity, <a href="/x/" title="it\'s">a link\'s text</a> & an ampersand.</p>',
    "<p>Two apostrophes close a quote: ''so'' said.</p>",
    "<ul><li>No quotes, no dashes</li><li>'</li><li>\"</li></ul><pre>'code' -- \"kept\"...</pre>",
]


def test_quick_typography_gives_typogrifys_output(monkeypatch, tmp_path):
    """The plugin makes Smartypants skip text it would leave unchanged; the output stays the same."""
    quick_typography.speed_up_smartypants()
    write_posts(tmp_path, 20)
    pages = [markdown.markdown(post.read_text(encoding="utf-8")) for post in sorted(tmp_path.glob("*.md"))]
    texts = TYPOGRAPHIC_CASES + pages
    omitted = dict.fromkeys(pelicanconf.TYPOGRIFY_OMIT_FILTERS, False)
    quick = [typogrify(text, **omitted) for text in texts]
    for name in quick_typography.STEPS:
        monkeypatch.setattr(smartypants, name, getattr(smartypants, name).__wrapped__)
    assert quick == [typogrify(text, **omitted) for text in texts]


@pytest.fixture(scope="module")
def many_posts(tmp_path_factory):
    """The sample site's posts, page and images, and forty generated posts: enough to share out."""
    content = tmp_path_factory.mktemp("many-posts") / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    write_posts(content, 40)
    return content


def count_posts_read_elsewhere(monkeypatch):
    """How many posts the build took from a reading process other than its own, counted as it runs."""
    read_elsewhere = []
    make = parallel_reading.ReadAhead.make

    def counting_make(self, base_path, path, *args, **kwargs):
        read_elsewhere.append(path)
        return make(self, base_path, path, *args, **kwargs)

    monkeypatch.setattr(parallel_reading.ReadAhead, "make", counting_make)
    return read_elsewhere


def test_reading_on_two_cores_builds_the_same_site(monkeypatch, tmp_path, many_posts):
    read_elsewhere = count_posts_read_elsewhere(monkeypatch)
    one = build_site(tmp_path / "one", PATH=str(many_posts), READING_PROCESSES=1)
    assert read_elsewhere == []
    two = build_site(tmp_path / "two", PATH=str(many_posts), READING_PROCESSES=2)
    # The other process read some of the posts, this one the rest, and the site is the same to the byte,
    # its search index included.
    assert 0 < len(read_elsewhere) < 44
    assert len(set(read_elsewhere)) == len(read_elsewhere)
    assert one.warnings == two.warnings == []
    assert differing_files(one.output, two.output) == []
    assert (two.output / "pagefind" / "pagefind-entry.json").is_file()


def test_bad_posts_read_by_another_process_are_reported_once(tmp_path, many_posts):
    project = copy_project(tmp_path)
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("READING_PROCESSES = 2\n")
    shutil.rmtree(project / "content")
    shutil.copytree(many_posts, project / "content")
    bad = sorted((project / "content").glob("post-*.md"))[1::2]  # every other one: both processes meet some
    for post in bad:
        text = post.read_text(encoding="utf-8")
        post.write_text(re.sub(r"\nDate: [^\n]+", "\nDate: 2024-13-45", text), encoding="utf-8")
    # Plain Pelican logs every error and goes on reading. The date is checked as a post is read, so the
    # other process meets some of these errors first: it leaves those posts for the build to read
    # again, and each is named once, by the build.
    result = run_in(project, "-m", "pelican", "content")
    assert result.returncode != 0
    printed = " ".join((result.stdout + result.stderr).split())
    for post in bad:
        assert printed.count(f"content/{post.name} has a Date") == 1, post.name
