"""Reading on two processes (plugins/parallel_reading.py): the same site and the same problems as
reading on one, and a clear failure, soon, when a reading process cannot read a file."""

import copy
import os
import re
import shutil
import time

import pytest

import pelicanconf
from bench.run import write_posts
from build import BuildFailed
from helpers import ROOT, SAMPLE_CONTENT, build_site, differing_files
from plugins import parallel_reading, problems

GENERATED_POSTS = 40


@pytest.fixture(scope="module")
def many_posts(tmp_path_factory):
    """The sample site's posts, page and images, and forty generated posts: enough to share out."""
    content = tmp_path_factory.mktemp("many-posts") / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    write_posts(content, GENERATED_POSTS)
    return content


class Takes:
    """The files the build's readers ask take() for, and what they got from a reading process:
    {path: (content, metadata), or the exception take() raised}."""

    def __init__(self):
        self.asked = []
        self.taken = {}


@pytest.fixture
def takes(monkeypatch):
    takes = Takes()
    take = parallel_reading.take

    def spy(source_path):
        takes.asked.append(source_path)
        try:
            prepared = take(source_path)
        except Exception as error:
            takes.taken[source_path] = error
            raise
        if prepared is not None:
            takes.taken[source_path] = prepared
        return prepared

    monkeypatch.setattr(parallel_reading, "take", spy)
    return takes


@pytest.fixture
def reported(monkeypatch):
    """Every problem reported in the build's process, once per call: (path, message)."""
    calls = []
    report = problems.report

    def spy(path, message, **options):
        calls.append((problems.shown(path), message))
        return report(path, message, **options)

    monkeypatch.setattr(problems, "report", spy)
    return calls


def with_hazard(hazard, **config):
    """The site's Markdown settings with one of tests/reading_hazards.py's extensions."""
    markdown = copy.deepcopy(pelicanconf.MARKDOWN)
    markdown["extension_configs"][f"reading_hazards:{hazard}"] = config
    return {"MARKDOWN": markdown}


def failures():
    return [problem for problem in problems.last_report if not problem.note]


def test_reading_on_two_processes_builds_the_same_site(tmp_path, many_posts, takes):
    one = build_site(tmp_path / "one", PATH=str(many_posts), READING_PROCESSES=1)
    assert takes.taken == {}
    takes.asked.clear()
    two = build_site(tmp_path / "two", PATH=str(many_posts), READING_PROCESSES=2)
    # The other process read some posts and this one the rest; the site is the same to the byte,
    # its search index included.
    assert 0 < len(takes.taken) < len(takes.asked)
    assert one.notes == two.notes
    assert differing_files(one.output, two.output) == []
    assert (two.output / "pagefind" / "pagefind-entry.json").is_file()


def test_a_bad_date_read_by_another_process_is_reported_once(tmp_path, many_posts, takes, reported):
    content = shutil.copytree(many_posts, tmp_path / "content")
    bad = sorted(content.glob("post-*.md"))
    for post in bad:
        post.write_text(re.sub(r"\nDate: [^\n]+", "\nDate: 2024-13-45", post.read_text(encoding="utf-8")))
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "output", PATH=str(content), READING_PROCESSES=2)
    assert any(str(post) in takes.taken for post in bad)
    # Reported in the build's process once per post, whichever process read it; printed once too.
    dates = sorted(path for path, message in reported if "has a Date" in message)
    assert dates == sorted(problems.shown(post) for post in bad)
    assert len([problem for problem in failures() if "has a Date" in problem.message]) == len(bad)


def test_an_exception_in_another_process_is_raised_for_that_file(tmp_path, many_posts, takes):
    cannot_read = {"PATH": str(many_posts), **with_hazard("CannotRead")}
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "one", READING_PROCESSES=1, **cannot_read)
    read_here = failures()
    with pytest.raises(BuildFailed):
        build_site(tmp_path / "two", READING_PROCESSES=2, **cannot_read)
    raised = [error for error in takes.taken.values() if isinstance(error, Exception)]
    assert raised
    assert all(type(error) is RuntimeError and str(error) == "this post cannot be read" for error in raised)
    # Pelican then handles the file as one that failed here: the same problems, named the same way.
    assert failures() == read_here
    assert len(read_here) == GENERATED_POSTS


def test_a_file_too_slow_for_its_reading_process_is_reported_and_the_build_goes_on(tmp_path, many_posts):
    pid_file = tmp_path / "slow-process"
    began = time.monotonic()
    with pytest.raises(BuildFailed):
        build_site(
            tmp_path / "output",
            PATH=str(many_posts),
            READING_PROCESSES=2,
            READING_TIMEOUT=1,
            **with_hazard("SlowInReadingProcess", pid_file=str(pid_file)),
        )
    # The post sleeps for a minute in a reading process: the build reported it after a second and
    # read every other post itself.
    assert time.monotonic() - began < 20
    [failure] = failures()
    assert re.fullmatch(r"post-\d{5}\.md", os.path.basename(failure.path))
    assert failure.message.startswith("took more than READING_TIMEOUT (1 s) to read")
    assert ended(int(pid_file.read_text()))


def test_a_reading_process_killed_mid_build_is_reported(tmp_path, many_posts):
    with pytest.raises(BuildFailed):
        build_site(
            tmp_path / "output",
            PATH=str(many_posts),
            READING_PROCESSES=2,
            **with_hazard("DiesInReadingProcess"),
        )
    [failure] = failures()
    assert re.fullmatch(r"post-\d{5}\.md", os.path.basename(failure.path))
    assert failure.message.startswith("was being read when a reading process ended abruptly")


@pytest.fixture
def pools_started(monkeypatch):
    """The Readings (reading processes for a generator) the build starts."""
    started = []
    reading = parallel_reading.Reading

    def spy(*arguments):
        started.append(reading(*arguments))
        return started[-1]

    monkeypatch.setattr(parallel_reading, "Reading", spy)
    return started


@pytest.mark.parametrize(
    ("content", "processes"),
    [("few files", 2), ("many files", 1)],
)
def test_no_reading_process_starts_for_a_handful_of_files_or_with_one_process(
    tmp_path, many_posts, takes, pools_started, content, processes
):
    path = ROOT / "content" if content == "few files" else many_posts
    build_site(tmp_path / "output", PATH=str(path), READING_PROCESSES=processes)
    assert takes.asked
    assert pools_started == []


def test_with_the_reader_level_cache_every_file_read_elsewhere_is_cached(tmp_path, many_posts, takes):
    """Pelican's reader-level cache keeps what read() returns, in the build, whoever read the file."""
    cached = {
        "PATH": str(many_posts),
        "READING_PROCESSES": 2,
        "CACHE_PATH": str(tmp_path / "cache"),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": "reader",
    }
    first = build_site(tmp_path / "first", **cached)
    assert takes.taken
    takes.asked.clear()
    second = build_site(tmp_path / "second", **cached)
    assert takes.asked == []  # no file was read again, here or elsewhere
    assert differing_files(first.output, second.output) == []


def ended(pid, within=5):
    """Whether the process is gone (its parent has collected it) within a few seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
