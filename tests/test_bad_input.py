"""Bad input: the build stops with one sentence naming the file and the problem, and output/ is kept."""

import pytest

from bench.run import write_posts
from helpers import copy_project, run_in

POST = "Title: A post\nDate: 2024-01-01 09:00\nSummary: One sentence.\n"
FAILED = "Build failed (output/ is unchanged): "

# Each case: the files written into content/, and the sentence the author reads.
CASES = {
    "broken internal link": (
        {"a.md": POST + "\nSee [the other post]({filename}/missing.md).\n"},
        "content/a.md links to {filename}/missing.md, but content/missing.md does not exist.",
    ),
    "no title": (
        {"a.md": "Date: 2024-01-01\nSummary: One sentence.\n\nText.\n"},
        'content/a.md has no Title: add a "Title:" line to its front matter.',
    ),
    "no date": (
        {"a.md": "Title: A post\nSummary: One sentence.\n\nText.\n"},
        'content/a.md has no Date: add a "Date:" line to its front matter.',
    ),
    "no summary": (
        {"a.md": "Title: A post\nDate: 2024-01-01\n\nText.\n"},
        'content/a.md has no Summary: add a "Summary:" line to its front matter.',
    ),
    "page without a title": (
        {"pages/about.md": "Summary: One sentence.\n\nText.\n"},
        'content/pages/about.md has no Title: add a "Title:" line to its front matter.',
    ),
    "unparseable date": (
        {"a.md": POST.replace("2024-01-01 09:00", "2024-13-45") + "\nText.\n"},
        'content/a.md has a Date, "2024-13-45", that is not a date: write YYYY-MM-DD HH:MM.',
    ),
    "unknown status": (
        {"a.md": POST + "Status: publshed\n\nText.\n"},
        'content/a.md has an unknown Status, "publshed": use one of published, hidden, draft, or leave it out.',
    ),
    "slug with markup": (
        {"a.md": POST + 'Slug: a"><b\n\nText.\n'},
        'content/a.md has a Slug, "a"><b", with more than lower-case letters, digits and hyphens.',
    ),
    "title too long for a URL": (
        {"a.md": POST.replace("A post", "A post " + "and more " * 20) + "\nText.\n"},
        f"content/a.md has a slug of {len('a-post' + '-and-more' * 20)} characters: write a Slug of at most 100.",
    ),
    "relative link to a missing file": (
        {"notes/a.md": POST + "\nSee [the other post]({filename}../missing.md).\n"},
        "content/notes/a.md links to {filename}../missing.md, but content/missing.md does not exist.",
    ),
    "image without alt text": (
        {"a.md": POST + "\n![]({static}/images/photo.png)\n", "images/photo.png": "a picture"},
        "content/a.md has an image, {static}/images/photo.png, without alt text: "
        "describe what it shows, as in ![a kite over a field]({static}/images/photo.png).",
    ),
    "tag in capitals": (
        {"a.md": POST + "Tags: south-korea, Japan\n\nText.\n"},
        'content/a.md has a tag, "Japan", that is not lower-case words joined by hyphens, like "south-korea".',
    ),
    "tag with a space": (
        {"a.md": POST + "Tags: south korea\n\nText.\n"},
        'content/a.md has a tag, "south korea", that is not lower-case words joined by hyphens, like "south-korea".',
    ),
    "not UTF-8": (
        {"a.md": (POST + "\nCaf\xe9.\n").encode("latin-1")},
        "content/a.md is not UTF-8 (byte 0xe9 on line 5): save it as UTF-8.",
    ),
}


def write_content(project, files):
    for name, text in files.items():
        path = project / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """A copy of the project with one good post in place of the real content."""
    project = copy_project(tmp_path)
    for post in (project / "content").glob("*.md"):
        post.unlink()
    write_content(project, {"good.md": POST.replace("A post", "A good post") + "\nA good post.\n"})
    return project


def assert_fails_with(result, sentence):
    assert result.returncode == 1
    assert result.stderr.splitlines() == [FAILED + sentence]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("files", "sentence"), CASES.values(), ids=CASES.keys())
def test_bad_post_stops_the_build_with_one_sentence(project, files, sentence):
    write_content(project, files)
    assert_fails_with(run_in(project, "-m", "invoke", "build"), sentence)


def test_duplicate_slug_names_both_files(project):
    write_content(project, {"a.md": POST + "Slug: same\n\nA.\n", "b.md": POST + "Slug: same\n\nB.\n"})
    result = run_in(project, "-m", "invoke", "build")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(FAILED) and line.endswith(": give one of them another Slug.")
    assert 'has the slug "same" of' in line and "content/a.md" in line and "content/b.md" in line


def test_tags_that_differ_only_by_case_stop_the_build(project):
    write_content(
        project, {"a.md": POST + "Tags: japan\n\nA.\n", "b.md": POST + "Slug: b\nTags: Japan\n\nB.\n"}
    )
    sentence = (
        'content/b.md has a tag, "Japan", that is not lower-case words joined by hyphens, like "south-korea".'
    )
    assert_fails_with(run_in(project, "-m", "invoke", "build"), sentence)


def test_plain_pelican_also_fails_and_names_the_file_first(project):
    write_content(project, {"a.md": "Date: 2024-01-01\nSummary: One sentence.\n\nText.\n"})
    result = run_in(project, "-m", "pelican", "content")
    assert result.returncode == 1
    printed = " ".join((result.stdout + result.stderr).split())
    assert "content/a.md has no Title" in printed
    assert printed.index("content/a.md has no Title") < printed.index("Traceback")


def output_files(output):
    return {
        path.relative_to(output): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()
    }


@pytest.mark.parametrize("task", ["build", "preview"])
def test_failed_build_leaves_the_previous_output_untouched(project, task):
    assert run_in(project, "-m", "invoke", task).returncode == 0
    output = project / "output"
    before = output_files(output)
    assert (output / "posts" / "a-good-post" / "index.html").is_file()

    # A post that changes, and a template that fails only once post pages have been written.
    write_content(project, {"good.md": POST.replace("A post", "A good post") + "Tags: t1\n\nChanged.\n"})
    tag_template = project / "theme" / "templates" / "tag.html"
    tag_template.write_text("{{ tag.no_such_field.name }}", encoding="utf-8")
    result = run_in(project, "-m", "invoke", task)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(FAILED + "theme/templates/tag.html, line 1: UndefinedError: ")
    assert output_files(output) == before
    assert list(project.glob(".staging-*")) == []


def test_a_build_failing_while_the_search_index_is_written_leaves_nothing_behind(project):
    # Pagefind writes the index once the posts are written, while Pelican writes the listings. With
    # 300 posts it is still writing when the tag pages fail, after the archives and the home pages:
    # the failed build stops it, or it would go on writing into the staging folder as that is removed.
    write_posts(project / "content", 300)
    failing = "{{ tag.no_such_field.name }}"
    (project / "theme" / "templates" / "tag.html").write_text(failing, encoding="utf-8")
    result = run_in(project, "-m", "invoke", "build")
    assert result.returncode == 1
    assert result.stderr.startswith(FAILED + "theme/templates/tag.html, line 1: UndefinedError: ")
    assert list(project.glob(".staging-*")) == []
    assert not (project / "output").exists()


def test_publish_never_sends_a_half_built_site(project, tmp_path):
    target = tmp_path / "deployed"
    target.mkdir()
    write_content(project, {"bad.md": "Title: Bad\n\nNo date, no summary.\n"})
    result = run_in(project, "-m", "invoke", "publish", PUBLISH_TARGET=str(target))
    assert_fails_with(result, 'content/bad.md has no Date: add a "Date:" line to its front matter.')
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("task", ["build", "rebuild", "preview", "clean"])
def test_tasks_keep_what_a_deploy_target_keeps_in_output(project, task):
    output = project / "output"
    (output / ".git").mkdir(parents=True)
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (output / "CNAME").write_text("blog.example.org\n")
    (output / "old-page.html").write_text("from a post since deleted")

    assert run_in(project, "-m", "invoke", task).returncode == 0
    assert (output / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (output / "CNAME").read_text() == "blog.example.org\n"
    assert not (output / "old-page.html").exists()
    assert (output / "index.html").is_file() == (task != "clean")
