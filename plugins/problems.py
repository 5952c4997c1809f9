"""Every problem of a build, reported together: one sorted line each, then the build fails.

Checks (plugins/reading.py, plugins/site_checks.py) call `report()` and let the build go on, so one
run finds every problem in every file; Pelican's own errors are collected from its log. When the
site is written (`finalized`), the checks of the finished site run (`final_checks`: its links),
then every problem is printed, sorted by file and line, and the build fails:

    content/a.md:3: the Date "2024-13-45" is not a date: write YYYY-MM-DD HH:MM.

Plain `pelican content` then exits with status 1 and no traceback; build.py leaves output/ as it
was. A note (`report(..., note=True)`, and every warning Pelican logs) is printed the same way but
fails nothing: it tells the author something they may want to know, such as a file no reader reads.
The last build's problems and notes stay in `last_report` for build.py.
"""

import logging
import os
import sys
from collections import defaultdict
from dataclasses import dataclass

from pelican import signals


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # as the author knows it: relative to the folder the build runs in; "" for the settings
    line: int  # 0 when the problem is about the whole file
    message: str
    note: bool = False
    # Notes of one kind are counted at the end of the report ("84 images without alt text in 30 files").
    counted_as: str = ""

    def __str__(self):
        place = f"{self.path}:{self.line}: " if self.line else f"{self.path}: " if self.path else ""
        return f"{place}{'note: ' if self.note else ''}{self.message}"


class BuildProblems(SystemExit):
    """The build found problems, already printed: exit with status 1, without a traceback."""

    def __init__(self, problems):
        super().__init__(1)
        self.problems = problems


def shown(path):
    """A path as the author knows it: relative to the folder the build runs in, where it is inside."""
    relative = os.path.relpath(path)
    return os.path.normpath(path) if relative.startswith("..") else relative


def line_of(path, text):
    """The first line of a source file holding `text`, or 0."""
    if not text:
        return 0
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for number, line in enumerate(source, start=1):
                if text in line:
                    return number
    except OSError:
        pass
    return 0


# What Pelican logs when reading a file raised an exception, with the file and the exception.
COULD_NOT_READ = "Could not process"
# Pelican's warnings about two posts with one slug: plugins/site_checks.py names them better.
SAID_BETTER_ELSEWHERE = ("There are %s items", "There are %s original (not translated) items")


class Collector(logging.Handler):
    """This build's problems: those checks report, and the errors (and, as notes, warnings) Pelican logs."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems = set()
        self.files_with_problems = set()
        self.by_file = defaultdict(set)  # path as shown -> its problems and notes, as they come

    def add(self, problem):
        self.problems.add(problem)
        self.by_file[problem.path].add(problem)
        if not problem.note:
            self.files_with_problems.add(problem.path)

    def emit(self, record):
        if record.levelno >= logging.CRITICAL:
            # The build is stopping at an exception: say everything found so far first.
            print_report(self)
            return
        if str(record.msg).startswith(SAID_BETTER_ELSEWHERE):
            return
        path = pelican_error_path(record)
        # Pelican's own line for a file we have already explained ("Could not process x.md") adds nothing.
        if path and shown(path) in self.files_with_problems:
            return
        if path and str(record.msg).startswith(COULD_NOT_READ):
            # Pelican logs this from the `except` block that caught the exception: say what it was, of the
            # file, on one line.
            error = sys.exc_info()[1]
            said = f"{type(error).__name__}: {error}" if error else "an error Pelican did not name"
            message = f"could not be read: {' '.join(said.split())}"
        else:
            message = " ".join(record.getMessage().split())
        self.add(Problem(shown(path) if path else "", 0, message, note=record.levelno < logging.ERROR))


def pelican_error_path(record):
    """The source file a Pelican error names among its arguments ("Could not process %s"), if any."""
    for argument in record.args if isinstance(record.args, tuple) else ():
        for path in (str(argument), os.path.join(current_content_path, str(argument))):
            if os.path.isfile(path):
                return path
    return None


collector = None  # this build's
current_content_path = "."
last_report = []  # the problems and notes of the last build, sorted
# Checks of the finished site (plugins/link_check.py checks its links), run before the report.
final_checks = []


def report(path, message, *, line=0, near=None, note=False, counted_as=""):
    """Record a problem of a source file ("" for one of the settings), on one line; `near` is text that
    locates its line.

    Call it from a signal sent after `initialized`, when this build's collector exists."""
    message = " ".join(message.split())
    if collector is None:  # a check run outside a build, by a test
        raise ValueError(f"{shown(path)}: {message}")
    place = shown(path) if path else ""
    collector.add(Problem(place, line or line_of(path, near), message, note, counted_as))


def problems_of(path):
    """The problems of a source file in this build: a set that grows as more are reported."""
    return collector.by_file[shown(path)] if collector is not None else set()


def start(pelican):
    """A fresh collector for each build, listening to Pelican's log."""
    global collector, current_content_path, last_report
    stop_listening()
    collector = Collector()
    last_report = []
    current_content_path = pelican.settings["PATH"]
    logging.getLogger().addHandler(collector)


def stop_listening():
    if collector is not None:
        logging.getLogger().removeHandler(collector)


def print_report(found):
    global last_report
    last_report = sorted(found.problems)
    for problem in last_report:
        print(problem, file=sys.stderr)
    counted = defaultdict(list)
    for problem in found.problems:
        if problem.note and problem.counted_as:
            counted[problem.counted_as].append(problem)
    for kind, notes in sorted(counted.items()):
        files = plural(len({note.path for note in notes}), "file")
        print(f"note: {len(notes):,} {kind} in {files}.", file=sys.stderr)
    failures = [problem for problem in found.problems if not problem.note]
    if failures:
        files = len({problem.path for problem in failures})
        print(f"{plural(len(failures), 'problem')} in {plural(files, 'file')}.", file=sys.stderr)
    found.problems = set()
    return failures


def plural(count, noun):
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def finish(pelican):
    """Check the written site's links, then report: fail the build if anything is wrong."""
    for check in final_checks:
        check(pelican)
    stop_listening()
    failures = print_report(collector)
    if failures:
        raise BuildProblems(sorted(failures))


def register():
    signals.initialized.connect(start)
    signals.finalized.connect(finish)
