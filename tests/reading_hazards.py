"""Markdown extensions that break reading on purpose, for tests/test_parallel_reading.py.

A test names one in the MARKDOWN setting; reading processes import it from there by name, as the
build does. Those that act "in a reading process" leave the build's own reading alone, so that the
test knows which process meets the trouble.
"""

import multiprocessing
import os
import signal
import time

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

POST_MARKER = "Slug: post-"  # the generated posts (bench/run.py), not the sample site's own


def in_a_reading_process():
    return multiprocessing.parent_process() is not None


class Hazard(Extension):
    """Runs `act` before Markdown reads a generated post."""

    def extendMarkdown(self, md):
        md.preprocessors.register(Act(md, self.act), "hazard", 100)

    def act(self):
        raise NotImplementedError


class Act(Preprocessor):
    def __init__(self, md, act):
        super().__init__(md)
        self.act = act

    def run(self, lines):
        if any(line.startswith(POST_MARKER) for line in lines):
            self.act()
        return lines


class CannotRead(Hazard):
    """Every generated post fails to read, in any process."""

    def act(self):
        raise RuntimeError("this post cannot be read")


class SlowInReadingProcess(Hazard):
    """A reading process takes a minute over a generated post; it writes its PID to `pid_file` first."""

    def __init__(self, **kwargs):
        self.config = {"pid_file": ["", "where the slow process writes its PID"]}
        super().__init__(**kwargs)

    def act(self):
        if in_a_reading_process():
            with open(self.getConfig("pid_file"), "w", encoding="utf-8") as pid_file:
                pid_file.write(str(os.getpid()))
            time.sleep(60)


class DiesInReadingProcess(Hazard):
    """A reading process is killed as it reads a generated post."""

    def act(self):
        if in_a_reading_process():
            os.kill(os.getpid(), signal.SIGKILL)
