"""Read posts on every core: each source file is read on its own, and reading is much of a build.

When a generator is about to read its files (its first `*_generator_preread`), reading processes
start. Once one is ready, the build hands them the files that neither of Pelican's content caches
holds, a few at a time from the last one back, while it goes on reading from the first one, as
Pelican always does. Before reading a file, the build's reader (plugins/reading.py) calls
`take(path)`: a file not handed out is read here, and never will be handed out; for one handed out,
the build waits for what a process made of it. So every core works until the two ends meet.

A reading process makes Pelican's readers with the build's settings and the reading plugin, as the
build does, and calls the same reader's `read()`. What it returns comes back with what the process
logged (WARNING and above) and the problems it reported (plugins/problems.py) while reading that
file; the build logs and reports them again when it takes the file, and raises again an exception
the reader raised. Pelican then goes on as for a file read here: typography, signals, the post.
Reading processes are forked from a fork server (or spawned where there is none), never from the
build, whose threads a fork would copy in the middle of what they do.

A file that takes longer than READING_TIMEOUT seconds (default 60) ends its reading process, and so
does a crash: either is reported as a problem of that file, which is not read again, and the build
fails. The other processes stop, and the build reads every file they had not started.

READING_PROCESSES: how many processes read, the build's own included (default: the CPUs the build
may use); 1 reads everything in the build's process, as does a build with fewer than a handful of
files to read.
"""

import concurrent.futures
import contextlib
import faulthandler
import io
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
import weakref
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import Readers
from pelican.utils import file_suffix

# plugins/reading.py imports this module too, for take(): this module uses `reading` only inside functions.
from plugins import problems, reading

logger = logging.getLogger(__name__)

# The settings naming the files each generator reads, as its generate_context names them.
SOURCES = {
    ArticlesGenerator: ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
    PagesGenerator: ("PAGE_PATHS", "PAGE_EXCLUDES"),
}
# Fewer files than this are read in the build's process: a reading process takes longer to start.
HANDFUL = 5
# How many files each reading process has in hand: the build hands out more each time it takes a file,
# every few milliseconds, about as long as a process takes to read one. Eight keep a process busy while
# the build spends longer on a file, and are all the build may wait for when the two ends meet.
IN_HAND_PER_PROCESS = 8
DEFAULT_TIMEOUT = 60
SETTINGS_TOKEN = "the build's settings"

current = None  # in the build's process, the Reading of the generator reading now, if it shares its files
decided_for = None  # a weak reference to the generator that current is for: its first file decides


# The build's side ---------------------------------------------------------------------------------


def take(source_path):
    """What a reading process made of this file, as its reader's (content, metadata); None: read it here.

    What the process logged and reported while reading it is logged and reported now, as if the file
    were read here, and an exception it raised is raised here."""
    if current is None:
        return None
    return current.take(os.path.abspath(source_path))


class ReadingStopped(Exception):
    """This file stopped a reading process; the problem is reported, and the build does not read it again."""


class Reading:
    """One generator's files: the build reads them from the first, the reading processes from the last.

    The build hands the processes a few files at a time, from the last one back, each time it takes a
    file, and reads any file it has not handed out: only this thread decides who reads what. (Handing
    out every file and cancelling each future before reading its file here would do the same, but a
    cancelled future stays among the pool's pending work, and on Python 3.11 a pool that breaks then
    fails on it, leaving the other futures unfinished: CPython gh-107219, fixed in 3.12.)"""

    def __init__(self, settings, files, processes):
        self.settings = settings
        self.timeout = settings.get("READING_TIMEOUT", DEFAULT_TIMEOUT)
        self.files = files  # (path, format) of each file to read, in the generator's order
        self.not_handed_out = len(files)  # files[:not_handed_out] are the build's to read, or to hand out
        self.taken = set()  # the files the build has asked for
        self.jobs = {}  # path -> its Future, for the files handed out
        self.in_hand = []  # the jobs handed out and not known to be done
        self.hand_size = IN_HAND_PER_PROCESS * (processes - 1)
        self.started = {}  # path -> when (time.time()) a reading process started it
        self.pids = set()  # the reading processes that are ready
        self.lost = {}  # path -> why nobody reads it: it stopped its reading process
        self.stopped = False
        self.read_elsewhere = 0
        self.seconds_waited = 0.0
        context = process_context()
        self.progress = context.SimpleQueue()  # written by the processes: ready, and each file they start
        self.executor = concurrent.futures.ProcessPoolExecutor(
            processes - 1,
            mp_context=context,
            initializer=start_reading_process,
            initargs=(portable(settings), os.getcwd(), self.progress),
        )
        # The pool starts a process for each job it is given: one small job each starts them all now.
        self.first_jobs = [self.executor.submit(os.getpid) for _ in range(processes - 1)]

    def take(self, path):
        self.taken.add(path)
        if not self.stopped:
            self.hand_out()
        job = self.jobs.get(path)
        if job is None:  # not handed out, and now it never will be: read it here
            return None
        self.wait_for(job)
        return self.outcome(path, job)

    def hand_out(self):
        """Fill the reading processes' hands with the last files nobody has taken, once one is ready.

        Until then the build reads on: a file handed to a process still starting would keep it waiting."""
        self.note_progress()
        if not self.pids:
            self.stop_if_no_process_starts()
            return
        self.in_hand = [job for job in self.in_hand if not job.done()]
        while len(self.in_hand) < self.hand_size and self.not_handed_out > 0:
            path, fmt = self.files[self.not_handed_out - 1]
            if path not in self.taken:
                try:
                    self.jobs[path] = self.executor.submit(read_in_reading_process, path, fmt)
                except BrokenProcessPool:  # a process ended abruptly since the last file
                    self.stop_after_a_process_ended()
                    return
                self.in_hand.append(self.jobs[path])
            self.not_handed_out -= 1

    def stop_if_no_process_starts(self):
        failed = [job for job in self.first_jobs if job.done() and job.exception()]
        if failed:
            # Not a problem of the site: a script without an `if __name__ == "__main__":` guard, say, which
            # a reading process would run again. The build reads every file itself.
            logger.warning(
                "The reading processes could not start (%s): every file is read in the build.",
                failed[0].exception(),
            )
            self.stop()

    def wait_for(self, job):
        """Until the job is done, or the processes are stopped."""
        began = time.perf_counter()
        while not (job.done() or self.stopped):
            # A reading process ends itself at READING_TIMEOUT; twice that without a file started or
            # finished means one is stuck where that could not stop it.
            activity = self.activity()
            concurrent.futures.wait([job], timeout=2 * self.timeout)
            if not job.done() and self.activity() == activity:
                self.stop_stuck_processes()
        if not self.stopped and ended_with_its_process(job):
            self.stop_after_a_process_ended()
        self.seconds_waited += time.perf_counter() - began

    def outcome(self, path, job):
        if path in self.lost:
            raise ReadingStopped(f"{path}: {self.lost[path]}")
        if not job.done() or job.cancelled() or ended_with_its_process(job):
            return None  # the processes stopped before this file: it is read here, for the first time
        if job.exception():
            raise job.exception()
        self.read_elsewhere += 1
        return replay(load(job.result(), self.settings))

    def note_progress(self):
        """Read what the processes reported: each one ready, and each file it started."""
        while not self.progress.empty():
            pid, path, when = self.progress.get()
            if path is None:
                self.pids.add(pid)
            else:
                self.started[path] = when

    def activity(self):
        """A count that grows as the reading processes start and finish files."""
        self.note_progress()
        return len(self.started) + sum(job.done() for job in self.jobs.values())

    def stop_after_a_process_ended(self):
        """A reading process ended in the middle of a file: past READING_TIMEOUT, or a crash."""
        self.note_progress()
        now = time.time()
        # The pool fails every unfinished job at once, as it stops the other processes.
        concurrent.futures.wait([self.jobs[path] for path in self.started], timeout=self.timeout)
        ended = [path for path in self.started if ended_with_its_process(self.jobs[path])]
        too_slow = [path for path in ended if now - self.started[path] >= self.timeout]
        if too_slow:
            # The others were being read by processes the pool stopped when that one ended: read them here.
            for path in too_slow:
                self.lose(
                    path,
                    f"took more than READING_TIMEOUT ({self.timeout:g} s) to read, so its reading process "
                    "was ended (its stack is printed above): find what makes it slow, or raise READING_TIMEOUT.",
                )
        elif ended:
            for path in ended:
                self.lose(
                    path,
                    "was being read when a reading process ended abruptly; it is not read again. "
                    "Build with READING_PROCESSES = 1 to read it in the build and see what happens.",
                )
        else:
            logger.error("A reading process ended abruptly between two files: the build reads the rest.")
        self.stop()

    def stop_stuck_processes(self):
        self.note_progress()
        stuck = [path for path in self.started if not self.jobs[path].done()]
        for pid in self.pids:  # alive, as the pool has not failed the job: it would have, had one ended
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        for path in stuck:
            self.lose(
                path,
                f"was still being read after {2 * self.timeout:g} s (twice READING_TIMEOUT), by a process "
                "stuck where it could not end itself; the reading processes were killed.",
            )
        if not stuck:
            logger.error("The reading processes did nothing for %g s: they were killed.", 2 * self.timeout)
        self.stop()

    def lose(self, path, message):
        self.lost[path] = message
        problems.report(path, message)

    def stop(self):
        """Cancel the files handed out that no process has started; each process finishes the one it
        has (within READING_TIMEOUT), then exits."""
        if self.stopped:
            return
        self.stopped = True
        self.executor.shutdown(wait=False, cancel_futures=True)
        logger.debug(
            "Read %d of %d files in %d other processes; the build waited %.2f s for them.",
            self.read_elsewhere,
            len(self.files),
            len(self.pids),
            self.seconds_waited,
        )


def ended_with_its_process(job):
    """Whether the job failed because a reading process ended abruptly (the pool is then broken)."""
    return job.done() and not job.cancelled() and isinstance(job.exception(), BrokenProcessPool)


def process_context():
    """A fork server where there is one (Linux, macOS), else spawned processes: never a fork of the
    build, whose threads (the pool's own, Pagefind's) a fork would copy in the middle of what they do."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the readers once (Pelican, Markdown, Pygments, docutils): each reading
    # process is a fork of it, ready at once. It starts with the first pool; later builds reuse it.
    context.set_forkserver_preload(["plugins.reading"])
    return context


def portable(settings):
    """The settings a reading process gets: those that can be pickled (not, say, a function a
    settings file defines for a template)."""
    kept = {}
    for name, value in settings.items():
        try:
            pickle.dumps(value)
        except (pickle.PicklingError, TypeError, AttributeError):
            logger.debug("Reading processes do without the setting %s, which cannot be pickled", name)
            continue
        kept[name] = value
    return kept


def find_files_to_share(generator):
    """(path, format) of each file the generator will read, uncached, with a reader that asks take() first."""
    paths_setting, excludes_setting = SOURCES[type(generator)]
    settings = generator.settings
    files = []
    for name in generator.get_files(settings[paths_setting], exclude=settings[excludes_setting]):
        path = os.path.abspath(os.path.join(generator.path, name))
        fmt = file_suffix(path)
        if not is_cached(generator, name, path) and asks_take_first(generator.readers.readers.get(fmt)):
            files.append((path, fmt))
    return files


def is_cached(generator, name, path):
    """Whether one of Pelican's content caches holds the file: the whole post (CONTENT_CACHING_LAYER
    "generator"), or what its reader returned ("reader"), which Pelican keeps whoever read it."""
    return (
        generator.get_cached_data(name, None) is not None
        or generator.readers.get_cached_data(path, None) is not None
    )


def asks_take_first(reader):
    return isinstance(reader, reading.MarkdownReader | reading.RstReader)


def available_cpus():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start_reading(generator, **_):
    """Before a generator's first file: start reading processes if it has enough files to share."""
    global current, decided_for
    if decided_for is not None and decided_for() is generator:
        return
    stop_reading()
    decided_for = weakref.ref(generator)
    processes = generator.settings.get("READING_PROCESSES") or available_cpus()
    if processes < 2 or type(generator) not in SOURCES:
        return
    files = find_files_to_share(generator)
    if len(files) < HANDFUL:
        return
    make_plugins_importable()
    current = Reading(generator.settings, files, processes)


def stop_reading(*_, **__):
    """When a generator has read its files, or a new build starts after one that failed mid-read."""
    global current
    if current is not None:
        current.stop()
        current = None


def make_plugins_importable():
    """Reading processes import this module by name, `plugins.parallel_reading`, from sys.path as the
    build passes it on; Pelican may have imported it from PLUGIN_PATHS without putting the folder there
    (the `pelican` command and bench/run.py do): put it there, so the processes find what the build found."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if folder not in (os.path.abspath(entry) for entry in sys.path):
        sys.path.append(folder)


def new_build(pelican):
    """Stop what a build that failed in this process left reading, and check this build's settings."""
    stop_reading()
    processes = pelican.settings.get("READING_PROCESSES")
    if processes is not None and (type(processes) is not int or processes < 1):
        raise ValueError(
            f"READING_PROCESSES is {processes!r}: it counts processes, at least 1 (the build's own)."
        )
    timeout = pelican.settings.get("READING_TIMEOUT", DEFAULT_TIMEOUT)
    if type(timeout) not in (int, float) or timeout <= 0:
        raise ValueError(f"READING_TIMEOUT is {timeout!r}: it is a number of seconds, more than 0.")


# A reading process's side ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What reading one file gave, as it crosses back to the build."""

    content: str | None = None
    metadata: dict | None = None
    error: BaseException | None = None
    log_records: list = field(default_factory=list)  # (logger name, level, message, arguments)
    problems: list = field(default_factory=list)  # plugins/problems.py's Problem


class ReadingProcess:
    """The readers of a reading process, made as the build's are, and what reading a file logs."""

    def __init__(self, settings, progress):
        self.settings = settings
        self.progress = progress
        self.timeout = settings.get("READING_TIMEOUT", DEFAULT_TIMEOUT)
        reading.register()  # as Pelican registers the plugin in the build: its readers replace Pelican's
        self.readers = Readers(settings)
        self.log = LogRecorder()
        logging.getLogger().addHandler(self.log)

    def read(self, path, fmt):
        self.progress.put((os.getpid(), path, time.time()))
        self.log.records = []
        # report() records here rather than failing, as no build runs in this process.
        problems.collector = problems.Collector()
        # The time limit holds even for a reader stuck in C code: faulthandler's own thread prints
        # where this process is and ends it, and the build reports the file.
        faulthandler.dump_traceback_later(self.timeout, exit=True)
        try:
            content, metadata = self.readers.readers[fmt].read(path)
            outcome = Outcome(content, metadata)
        except Exception as error:
            outcome = Outcome(error=portable_error(error))
        finally:
            faulthandler.cancel_dump_traceback_later()
        outcome.log_records = self.log.records
        outcome.problems = sorted(problems.collector.problems)
        return dump(outcome, self.settings)


class LogRecorder(logging.Handler):
    """Keeps what a reading process logs, for the build to log again, rather than showing it."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        try:
            pickle.dumps(args)
        except Exception:
            message, args = record.getMessage(), ()
        else:
            message = record.msg
        self.records.append((record.name, record.levelno, message, args))


reading_process = None  # in a reading process, its ReadingProcess


def start_reading_process(settings, folder, progress):
    """Make the process's readers, then tell the build that it is ready; it is given files after that."""
    global reading_process
    faulthandler.dump_traceback_later(settings.get("READING_TIMEOUT", DEFAULT_TIMEOUT), exit=True)
    os.chdir(folder)  # the build's: paths in problems are shown relative to it
    reading_process = ReadingProcess(settings, progress)
    faulthandler.cancel_dump_traceback_later()
    progress.put((os.getpid(), None, time.time()))


def read_in_reading_process(path, fmt):
    return reading_process.read(path, fmt)


def portable_error(error):
    """The exception, with where it was raised; or, if it cannot be unpickled in the build (docutils'
    SystemMessage cannot), a ReadingError saying what it was."""
    error.add_note("Raised in a reading process:\n" + "".join(traceback.format_tb(error.__traceback__)))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        portable = ReadingError(f"{type(error).__name__}: {error}")
        for note in error.__notes__:
            portable.add_note(note)
        return portable
    return error


class ReadingError(Exception):
    """An exception a reader raised in a reading process, which could not be sent as itself."""


# Across processes -----------------------------------------------------------------------------------


class SettingsPickler(pickle.Pickler):
    """Tags, categories and authors refer to the settings: the reading process's settings are sent
    as a token, which the build replaces with its own settings."""

    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return SETTINGS_TOKEN if obj is self.settings else None


class SettingsUnpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid != SETTINGS_TOKEN:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.settings


def dump(outcome, settings):
    buffer = io.BytesIO()
    SettingsPickler(buffer, settings).dump(outcome)
    return buffer.getvalue()


def load(data, settings):
    return SettingsUnpickler(io.BytesIO(data), settings).load()


def replay(outcome):
    """Log and report again, in the build, what reading the file logged and reported; then its result."""
    for name, level, message, args in outcome.log_records:
        logging.getLogger(name).log(level, message, *args)
    for problem in outcome.problems:
        problems.report(problem.path, problem.message, line=problem.line, note=problem.note)
    if outcome.error is not None:
        raise outcome.error
    return outcome.content, outcome.metadata


def register():
    signals.initialized.connect(new_build)
    signals.article_generator_preread.connect(start_reading)
    signals.page_generator_preread.connect(start_reading)
    signals.article_generator_finalized.connect(stop_reading)
    signals.page_generator_finalized.connect(stop_reading)
