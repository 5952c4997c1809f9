"""The settle: a full build from Pelican's content cache in a process of its own, which then renders
first looks until it is told to exit. Both sides of its protocol are here: `main()` is the process,
`SettleProcess` the main process's handle on it.

    python -m ourblog.settle SETTINGS STAGING OUTPUT --cache CACHE --marker FILE [--read-afresh]

The process builds with SETTINGS into STAGING, a folder beside OUTPUT (whose name its messages use),
from the content cache in CACHE (read afresh, and saved again, with --read-afresh), and says on its
stdout how it went, in one JSON line:

    {"settled": true, "notes": [...], "printed": [...], "cache_saved": true, "extensions": ["md", ...],
     "settings": {"PATH": ..., "THEME": ...}}

(`printed`: what a failed build printed, its problems one line each; `notes`: a good one's notes;
`extensions` and `settings`: what the preview needs to know of where the sources are, as the build
saw them, its plugins loaded).
After a failed build it exits. After a good one the main process swaps STAGING in, and the process
becomes the *worker* for first looks (first_look.py): each line on its stdin is a request,

    {"changed": [source paths], "shown": [output files], "output": folder}

answered, in one line, with {"looked": [the output files whose bytes changed]}. It exits at the end
of its stdin. Its own process: it runs the plugins as they are on disk, keeps the main process free
to serve the browser, and whatever it holds is given back when it exits, at the latest two saves on.

Pelican writes its content cache in place, so a process killed as it writes leaves a torn cache
that later builds cannot load. The process keeps FILE (the marker) from just before Pelican writes the
cache to just after; the main process has the next build read afresh after killing one that left it.
"""

import argparse
import contextlib
import io
import itertools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# A settle still running after this long (a cold build of a thousand posts takes seconds, encoding a
# phone's photos minutes) is stuck: it is stopped, with a message.
SETTLE_TIME_LIMIT = 900
# The settings the main process learns from a good build: where the sources are, what to keep in output/.
SETTINGS_REPORTED = (
    "PATH",
    "THEME",
    "THEME_STATIC_PATHS",
    "THEME_STATIC_DIR",
    "THEME_TEMPLATES_OVERRIDES",
    "PLUGINS",
    "PLUGIN_PATHS",
    "OUTPUT_RETENTION",
    "HASHED_STYLESHEET",
)
# A worker told to exit, or a process killed, that has not ended after this long is stuck.
EXIT_TIME_LIMIT = 10

# The process ---------------------------------------------------------------------------------------


def main(arguments=None):
    options = parse_arguments(arguments)
    if hasattr(signal, "SIGTERM"):
        # Stopped by the preview (a newer save): exit as Python does, so that what the build started
        # (Pagefind, plugins/search_index.py) is stopped by its atexit handlers, not left running.
        signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(1))
    messages = take_stdout()
    outcome, first_look = build_and_record(options)
    send(messages, outcome)
    if not outcome["settled"]:
        return 1
    serve_first_looks(sys.stdin.buffer, messages, first_look)
    return 0


def parse_arguments(arguments):
    parser = argparse.ArgumentParser(prog="python -m ourblog.settle", description=__doc__.splitlines()[0])
    parser.add_argument("settings")
    parser.add_argument("staging", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--marker", type=Path, required=True)
    parser.add_argument("--read-afresh", action="store_true")
    return parser.parse_args(arguments)


def take_stdout():
    """This process's stdout, for its messages alone: whatever else writes there (Pelican's summary, a
    plugin, a program the build runs) goes to its stderr instead."""
    messages = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return messages


def send(messages, message):
    messages.write(json.dumps(message, default=str).encode("utf-8") + b"\n")
    messages.flush()


class CacheWriting:
    """The marker, there while Pelican writes its content cache: after its articles are read, until
    its pages are (each generator writes the cache at the end of its reading)."""

    def __init__(self, marker):
        self.marker = marker
        self.saved = False

    def begin(self, generator):
        self.marker.touch()

    def end(self, generator):
        self.marker.unlink(missing_ok=True)
        self.saved = True


def build_and_record(options):
    """Build into the staging folder through the recording writer: (the message saying how it went, a
    FirstLook on the recording)."""
    # Imported here: `python -m ourblog.settle --help` needs none of it, the main process none of it.
    from pelican import signals
    from pelican.settings import read_settings

    from ourblog.build import BuildFailed, run_pelican
    from ourblog.first_look import FirstLook
    from ourblog.recording import RecordingWriter, recording

    overrides = {
        "CACHE_PATH": str(options.cache),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": not options.read_afresh,
    }
    settings = read_settings(options.settings, override=overrides)
    options.staging.mkdir(parents=True)
    cache_writing = CacheWriting(options.marker)
    printed = io.StringIO()
    with (
        signals.get_writer.connected_to(lambda pelican: RecordingWriter),
        signals.article_generator_pretaxonomy.connected_to(cache_writing.begin),
        signals.page_generator_finalized.connected_to(cache_writing.end),
        contextlib.redirect_stdout(printed),
        contextlib.redirect_stderr(printed),
    ):
        try:
            notes = run_pelican({**settings, "OUTPUT_PATH": str(options.staging)}, options.output)
            settled = True
        except BuildFailed as failure:
            print(failure)
            notes, settled = [], False
    first_look = FirstLook(recording)
    outcome = {
        "settled": settled,
        "notes": notes,
        "printed": [] if settled else printed.getvalue().splitlines(),
        "cache_saved": cache_writing.saved,
        "extensions": sorted(first_look.extensions()) if settled else [],
        "settings": {name: settings.get(name) for name in SETTINGS_REPORTED},
    }
    return outcome, first_look


def serve_first_looks(requests, messages, first_look):
    """Answer each request for a first look, until the end of the requests."""
    for line in requests:
        request = json.loads(line)
        try:
            reply = {"looked": first_look.look(request["changed"], request["shown"], request["output"])}
        except Exception as error:  # the full build under way will say what is wrong
            reply = {"looked": [], "error": f"{type(error).__name__}: {error}"}
        send(messages, reply)


# How long a stopped build may take to stop what it started (Pagefind) and exit, before it is killed.
STOP_TIME_LIMIT = 2


# The main process's side ---------------------------------------------------------------------------

SETTLE_NUMBERS = itertools.count(1)  # each settle's folders have names of their own


class SettleProcess:
    """A settle as the main process sees it: started at once; `finished` once its build has ended.

    `on_message` is called (from the thread that reads the process's messages) when it has."""

    def __init__(self, settings_file, output, cache, read_afresh=False, on_message=None):
        settings_file, output = Path(settings_file), Path(output)
        name = f".staging-preview-{os.getpid()}-{next(SETTLE_NUMBERS)}"
        self.staging = output.with_name(f"{name}-{output.name}")
        self.marker = output.with_name(f"{name}-cache-writing")
        # Its temporary files (Pagefind's pages among them): removed with it, however it ended.
        self.scratch = output.with_name(f"{name}-tmp")
        for leftover in (self.staging, self.scratch):
            shutil.rmtree(leftover, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        self.on_message = on_message or (lambda: None)
        self.outcome = None
        self.retired = None  # when it was told to exit
        self.finished = threading.Event()
        self.replies = queue.Queue()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (its stderr: read by printed(), closed by remove())
        command = [sys.executable, "-m", "ourblog.settle", str(settings_file), str(self.staging), str(output)]
        command += ["--cache", str(cache), "--marker", str(self.marker)] + ["--read-afresh"] * read_afresh
        scratch = str(self.scratch)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            cwd=settings_file.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**os.environ, "TMPDIR": scratch, "TEMP": scratch, "TMP": scratch},
        )
        self.reader = threading.Thread(target=self.read_messages, name="settle messages", daemon=True)
        self.reader.start()

    def read_messages(self):
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "settled" in message:
                self.outcome = message
                self.finished.set()
                self.on_message()
            else:
                self.replies.put(message)
        self.replies.put(None)  # it ended
        if not self.finished.is_set():
            self.finished.set()
            self.on_message()

    def overdue(self):
        return time.monotonic() - self.started > SETTLE_TIME_LIMIT

    def wait(self, timeout=SETTLE_TIME_LIMIT):
        """Wait for its build to end; False if it has not within `timeout`."""
        deadline = time.monotonic() + timeout
        # In short waits: Ctrl-C interrupts no wait on a lock on Windows, but is heard between two.
        while not self.finished.wait(min(0.2, max(0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return False
        return True

    def look(self, changed_paths, shown_files, output, timeout):
        """Ask the worker for a first look; the files it wrote. TimeoutError past `timeout`."""
        request = {
            "changed": sorted(map(str, changed_paths)),
            "shown": list(shown_files),
            "output": str(output),
        }
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError:  # it has ended
            return []
        try:
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"The first look took more than {timeout} s.") from None
        return reply["looked"] if reply else []

    def printed(self):
        """What the process printed on its stderr: a traceback, if it ended unexpectedly."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    def left_cache_torn(self):
        return self.marker.exists()

    def kill(self):
        """Stop it, wherever it is (the main process then reads afresh if the cache may be torn): asked
        first, so that it stops what it started, then killed if it has not ended within STOP_TIME_LIMIT."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIME_LIMIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.wait_until_ended()

    def retire(self):
        """Tell the worker to exit: the end of its stdin. `ended()` says once it has."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.retired = time.monotonic()

    def ended(self):
        """True once the process has exited; a retired one that takes too long is killed."""
        if self.process.poll() is not None:
            return True
        if time.monotonic() - self.retired > EXIT_TIME_LIMIT:
            self.kill()
            return True
        return False

    def wait_until_ended(self, timeout=EXIT_TIME_LIMIT):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError(
                    f"The preview's build process {self.process.pid} did not end when killed."
                ) from None

    def remove(self):
        """Once it has ended: its folders, its marker, its log; its message thread joined."""
        self.reader.join(timeout=EXIT_TIME_LIMIT)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        self.log.close()
        for folder in (self.staging, self.scratch):
            shutil.rmtree(folder, ignore_errors=True)
        self.marker.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
