"""Read posts on every core: Markdown and typography are most of a build, and each post is read alone.

When a generator starts reading, forked copies of this process start reading the files it has not
cached, from the last one backwards, with Pelican's own `read_file` (our readers, Typogrify and
all), while this process reads from the first one forwards, as Pelican always does. Where they meet,
the copies hand back each file's text and metadata, and this process builds the posts from them
exactly as `read_file` would have: the same signals, content class and settings object. Taking
files one at a time from either end keeps every core busy to the end, however unevenly the machine
shares them out. On a thousand posts and two cores, reading takes 2.3 s instead of 4.4 s.

With Pelican's reader-level cache (CONTENT_CACHING_LAYER = "reader"), which would keep only the
posts this process read, every post is read here; this project caches whole posts ("generator").

Anything unusual in a copy, an exception or a message at WARNING or above, leaves that file out of
what it hands back, and this process reads the file itself: the author sees each error once, from
the build itself. So does a copy that dies or hands back nothing. Without `os.fork` (Windows), or
with READING_PROCESSES = 1, every file is read here, one after another.

READING_PROCESSES: how many processes read (default: the CPUs this process may run on).
"""

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import tempfile

from pelican import signals
from pelican.contents import Page, SkipStub
from pelican.generators import ArticlesGenerator, PagesGenerator

logger = logging.getLogger(__name__)

# The settings naming the files each generator reads, as its generate_context names them.
SOURCES = {
    ArticlesGenerator: ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
    PagesGenerator: ("PAGE_PATHS", "PAGE_EXCLUDES"),
}
# Copies not yet waited for: a build that stopped at an error leaves its copies reading.
unfinished_copies = set()
# Fewer files than this per process are read here: a fork costs more than reading a couple of posts.
MIN_FILES_PER_PROCESS = 2
SETTINGS_ID = "settings"


def available_cpus():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def what_was_read(content, metadata, **_):
    """Stands in for the content class in a copy: the text and metadata, not a post."""
    return content, metadata


class Recorder(logging.Handler):
    """Keeps, rather than shows, what a copy logs; any record sends the file back to the build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


class SettingsPickler(pickle.Pickler):
    """Tags, categories and authors point at the settings: send a name, not a copy of them."""

    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return SETTINGS_ID if obj is self.settings else None


class SettingsUnpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid != SETTINGS_ID:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.settings


class Claims:
    """Which files are taken, in memory all the processes share: this one's from the front, copies' from the back."""

    def __init__(self, count):
        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        self.ends = context.RawArray("q", [0, count])  # [first file no one has taken, first taken by a copy]

    def claim_from_front(self, position):
        """Take the file at `position` for this process, unless a copy already has it."""
        with self.lock:
            front, back = self.ends
            if position >= back:
                return False
            self.ends[0] = max(front, position + 1)
            return True

    def claim_from_back(self):
        """The position of the last file nobody has taken, now a copy's; None when none is left."""
        with self.lock:
            front, back = self.ends
            if back <= front:
                return None
            self.ends[1] = back - 1
            return back - 1


class ReadAhead:
    """Stands in for one generator's `readers.read_file`, with files also read by copies of this process."""

    def __init__(self, generator, processes):
        self.generator = generator
        self.readers = generator.readers
        self.read_file = generator.readers.read_file  # Pelican's own, bound to this generator's readers
        self.processes = processes
        self.unread = None  # the files left to read, in the generator's order, once reading starts
        self.positions = None  # path -> its place in `unread`
        self.claims = None  # shared with the copies, when there are any
        self.copies = []
        self.results = {}  # path -> (content, metadata), once the copies have handed them back

    def __call__(self, base_path, path, content_class=Page, context=None, **signals_to_send):
        if self.positions is None:
            self.start_copies()
        position = self.positions.get(path)
        if self.copies and position is not None and not self.claims.claim_from_front(position):
            self.collect()  # the copies have this file and all after it
        if path in self.results:
            content, metadata = self.results.pop(path)
            return self.make(base_path, path, content_class, context, content, metadata, **signals_to_send)
        return self.read_file(
            base_path, path, content_class=content_class, context=context, **signals_to_send
        )

    def start_copies(self):
        paths_setting, excludes_setting = SOURCES[type(self.generator)]
        settings = self.generator.settings
        files = self.generator.get_files(settings[paths_setting], exclude=settings[excludes_setting])
        self.unread = [path for path in files if self.generator.get_cached_data(path, None) is None]
        self.positions = {path: position for position, path in enumerate(self.unread)}
        copies = min(self.processes, len(self.unread) // MIN_FILES_PER_PROCESS) - 1
        if copies > 0:
            self.claims = Claims(len(self.unread))
            self.copies = [Copy(self) for _ in range(copies)]

    def collect(self):
        for copy in self.copies:
            self.results.update(copy.wait())
        self.copies = []

    def make(self, base_path, path, content_class, context, content, metadata, **signals_to_send):
        """The end of Pelican's read_file, for a file read by a copy: its signals, then the post."""
        preread_signal = signals_to_send.get("preread_signal")
        context_signal = signals_to_send.get("context_signal")
        if preread_signal:
            preread_signal.send(signals_to_send.get("preread_sender"))
        if context_signal:
            context_signal.send(signals_to_send.get("context_sender"), metadata=metadata)
        if metadata.get("status") == "skip":
            content_class = SkipStub
        return content_class(
            content=content,
            metadata=metadata,
            settings=self.readers.settings,
            source_path=os.path.abspath(os.path.join(base_path, path)),
            context=context,
        )


class Copy:
    """A forked copy of this process reading files from the back, its results in a temporary file."""

    def __init__(self, read_ahead):
        self.settings = read_ahead.readers.settings
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed by wait())
        self.pid = os.fork()
        if self.pid == 0:
            self.run_in_copy(read_ahead)
        unfinished_copies.add(self.pid)

    def run_in_copy(self, read_ahead):
        """The copy's whole life: read, write what was read, exit without running the build's cleanup."""
        status = 1
        try:
            recorder = quiet_logging()
            results = {}
            while (position := read_ahead.claims.claim_from_back()) is not None:
                path = read_ahead.unread[position]
                recorder.records.clear()
                try:
                    result = read_ahead.read_file(
                        read_ahead.generator.path, path, content_class=what_was_read, context=None
                    )
                except Exception:
                    continue  # the build reads it again and reports the error itself
                if isinstance(result, tuple) and not recorder.records:
                    results[path] = result
            SettingsPickler(self.output, self.settings).dump(results)
            self.output.flush()
            status = 0
        finally:
            os._exit(status)

    def wait(self):
        """What the copy read: {path: (content, metadata)}; empty if it failed."""
        _, status = os.waitpid(self.pid, 0)
        unfinished_copies.discard(self.pid)
        try:
            if os.waitstatus_to_exitcode(status) != 0:
                logger.debug("A reading process failed; the files it took are read here")
                return {}
            self.output.seek(0)
            return SettingsUnpickler(self.output, self.settings).load()
        finally:
            self.output.close()


def quiet_logging():
    """In a copy: every handler replaced by one that records, so nothing is shown twice."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for each in loggers:
        if isinstance(each, logging.Logger):
            each.handlers.clear()
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    return recorder


def stop_unfinished_copies():
    """Stop the copies of a build that failed (in `invoke livereload`, the next build runs in the same process)."""
    while unfinished_copies:
        pid = unfinished_copies.pop()
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def read_ahead(generator):
    stop_unfinished_copies()
    settings = generator.settings
    processes = settings.get("READING_PROCESSES") or available_cpus()
    # Pelican's reader-level cache would keep only the posts read here: read them all here instead.
    reader_cache = settings["CACHE_CONTENT"] and settings["CONTENT_CACHING_LAYER"] == "reader"
    if processes > 1 and hasattr(os, "fork") and type(generator) in SOURCES and not reader_cache:
        generator.readers.read_file = ReadAhead(generator, processes)


def register():
    signals.article_generator_init.connect(read_ahead)
    signals.page_generator_init.connect(read_ahead)
