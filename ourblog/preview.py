"""The live preview (`invoke livereload`): each save shows in the browser at once, and the preview
always settles on exactly what a clean build writes.

On every save (watch.py hears of it within about 50 ms; sources.py says what it asks for):

1. The full build under way, if any, is stopped: it was building sources that are already old.
2. A *first look*: the *worker* (the process whose build output/ is, settle.py) renders the pages the
   browsers show with the saved posts read again and the templates as saved (first_look.py), into
   output/, and those browsers reload. A saved stylesheet is copied in and reloaded in place. Each
   file written ahead of the full build is first remembered (undo.py).
3. The *settle*: a full build from Pelican's content cache in a new process, into a folder beside
   output/. When it succeeds, its folder is swapped in, the browsers whose page changed reload, and
   the process becomes the worker, the old one being told to exit. When it fails, its problems are
   printed and output/ is put back as the last good site.

So no process outlives two saves: whatever a build holds is given back when its process exits,
plugins changed on disk are run by the next settle, and stopping one is killing its process, on every
platform. The main process runs no build: it serves, watches and swaps folders.
"""

import queue
import shutil
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from pelican.settings import read_settings

from ourblog.build import swap_in
from ourblog.server import LiveReload, serve
from ourblog.settle import EXIT_TIME_LIMIT, SETTLE_TIME_LIMIT, SettleProcess
from ourblog.sources import SiteSources
from ourblog.undo import Undo
from ourblog.watch import Watcher
from plugins.problems import shown

# The worker renders a page in milliseconds: one that has not answered in this long is stuck.
FIRST_LOOK_TIME_LIMIT = 10
# How often the preview's thread looks whether a full build has ended or overrun its time limit (s).
CHECK_EVERY = 0.5
# How long a reload waits for the browsers to load their page again before the preview goes on (s).
BROWSER_LOAD_LIMIT = 0.5
# A swap can meet a file the server is sending (Windows does not rename a folder with an open file):
# it is tried again for this long (s).
SWAP_TIME_LIMIT = 5


class Preview:
    """The site in output/, kept equal to what a clean build of the sources writes.

    `start()` builds the site (the first settle); `update(paths, shown_files)` shows a batch of saved
    files and starts a settle; `check_settle()` completes a settle once it has ended, `settle()` waits
    for it. `reload(files)` is told of the output files whose browsers should reload. `events` gets an
    item whenever a settle has something to say (the live preview's thread waits on it)."""

    def __init__(self, settings_file, reload=None):
        self.settings_file = Path(settings_file).resolve()
        # Read here until the first build says what it read (settle.SETTINGS_REPORTED), with its plugins.
        self.settings = read_settings(str(self.settings_file))
        self.output = Path(self.settings["OUTPUT_PATH"]).resolve()
        self.cache = Path(self.settings["CACHE_PATH"]).resolve()
        self.sources = SiteSources(self.settings_file, self.settings)
        self.reload = reload if reload is not None else (lambda files: None)
        self.events = queue.Queue()
        self.undo = Undo(self.output)
        self.worker = None  # the settle whose site output/ is: it renders first looks
        self.running = None  # the settle of the latest save, while it builds
        self.retiring = []  # former workers, told to exit
        # The next settle reads every post afresh: the first, and any after the settings, the code or a
        # file posts read changed, until one has saved the cache again.
        self.read_afresh = True
        self.notes_printed = set()

    # What a save does

    def start(self):
        """Build the site: the first settle, waited for; True if it succeeded."""
        # What a preview stopped without a chance to clean up left beside the output (one runs at a time).
        for leftover in self.output.parent.glob(".staging-preview-*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        self.start_settle()
        return self.settle()

    def update(self, changed_paths, shown_files=()):
        """Show a batch of saved files in the shown output files at once, then start a full build."""
        change = self.sources.what_changed(changed_paths)
        stopped = self.stop_settle(remove=False)  # its files are removed once the save is shown
        self.read_afresh |= change.read_afresh
        self.reload(self.copy_theme_files(change.theme_files))
        if change.first_look and not change.read_afresh:
            self.reload(self.first_look(changed_paths, shown_files))
        self.start_settle()
        if stopped is not None:
            stopped.remove()

    def first_look(self, changed_paths, shown_files):
        """The shown pages rendered again by the worker; the output files it changed."""
        if self.worker is None or not shown_files:
            return []
        for file in shown_files:
            self.undo.keep(file)
        try:
            return self.worker.look(changed_paths, shown_files, self.output, FIRST_LOOK_TIME_LIMIT)
        except TimeoutError as stuck:
            print(f"{stuck} The full build will show the change.", file=sys.stderr, flush=True)
            self.retire(self.worker, kill=True)
            self.worker = None
            return []

    def copy_theme_files(self, theme_files):
        """Copy saved files of the theme's static folders as a build does; the output files copied.

        Not where stylesheets are named by a hash of their text (HASHED_STYLESHEET): pages name them."""
        if self.settings.get("HASHED_STYLESHEET"):
            return []
        for source, file in theme_files:
            self.undo.keep(file)
            (self.output / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.output / file)
        return [file for _, file in theme_files]

    # The settle

    def start_settle(self):
        self.running = SettleProcess(
            self.settings_file,
            self.output,
            self.cache,
            read_afresh=self.read_afresh,
            on_message=lambda: self.events.put("settle"),
        )

    def stop_settle(self, remove=True):
        """Kill the settle under way, if any: a newer save replaces it. The settle killed, unless `remove`."""
        settle, self.running = self.running, None
        if settle is None:
            return None
        settle.kill()
        self.read_afresh |= settle.left_cache_torn()
        if remove:
            settle.remove()
        return settle

    def settle(self, timeout=SETTLE_TIME_LIMIT, shown_files=()):
        """Wait for the settle under way and complete it; True if output/ is now the site it built."""
        if self.running is not None and not self.running.wait(timeout):
            self.give_up_on_the_settle(
                f"The preview's full build took more than {timeout} s and was stopped."
            )
            return False
        return self.check_settle(shown_files)

    def check_settle(self, shown_files=()):
        """Complete the settle if it has ended: True if its site is now output/, False if it failed,
        None while it builds (or when there is none). Former workers that are slow to exit are killed."""
        self.retiring = [worker for worker in self.retiring if not self.has_ended(worker)]
        settle = self.running
        if settle is None:
            return None
        if not settle.finished.is_set():
            if settle.overdue():
                self.give_up_on_the_settle(
                    f"The preview's full build took more than {SETTLE_TIME_LIMIT} s and was stopped."
                )
                return False
            return None
        self.running = None
        outcome = settle.outcome or {}
        if outcome.get("cache_saved"):
            self.read_afresh = False
        if outcome.get("settled"):
            self.swap_in(settle, shown_files)
            return True
        if outcome:
            print("\n".join(outcome["printed"]), file=sys.stderr, flush=True)
        else:
            self.read_afresh |= settle.left_cache_torn()
            print(
                f"The preview's full build ended unexpectedly:\n{settle.printed()}"
                f"Build failed: {shown(self.output)}/ is unchanged.",
                file=sys.stderr,
                flush=True,
            )
        settle.wait_until_ended()
        settle.remove()
        self.back_to_the_last_good_site(shown_files)
        return False

    def swap_in(self, settle, shown_files):
        """The settle's site becomes output/ and its process the worker; the browsers reload what changed."""
        before = {file: self.read_output(file) for file in shown_files}
        deadline = time.monotonic() + SWAP_TIME_LIMIT
        while True:
            try:
                swap_in(settle.staging, self.output, settle.outcome["settings"]["OUTPUT_RETENTION"])
                break
            except PermissionError:  # Windows: a file of the output is open, being served
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.undo.forget()
        # Where the sources are as the build saw them: the settings it read, its plugins' readers.
        self.settings = settle.outcome["settings"]
        self.sources = SiteSources(self.settings_file, self.settings, settle.outcome["extensions"])
        self.print_new_notes(settle.outcome["notes"])
        if self.worker is not None:
            self.retire(self.worker)
        self.worker = settle
        self.reload([file for file in shown_files if self.read_output(file) != before[file]])

    def give_up_on_the_settle(self, message):
        print(f"{message}\nBuild failed: {shown(self.output)}/ is unchanged.", file=sys.stderr, flush=True)
        self.stop_settle()
        self.back_to_the_last_good_site(())

    def back_to_the_last_good_site(self, shown_files):
        """Undo what was written ahead of the failed build; the browsers reload what it put back."""
        restored = self.undo.restore()
        self.reload([file for file in restored if file in shown_files or file.endswith(".css")])

    def print_new_notes(self, notes):
        """A successful build's notes, each printed once in a session: what a save made worth knowing."""
        new = [note for note in notes if note not in self.notes_printed]
        if new:
            print("\n".join(new), file=sys.stderr, flush=True)
        self.notes_printed.update(new)

    def retire(self, worker, kill=False):
        worker.retire()
        if kill:
            worker.kill()
        self.retiring.append(worker)

    def has_ended(self, worker):
        if worker.ended():
            worker.remove()
            return True
        return False

    def read_output(self, file):
        path = self.output / file
        return path.read_bytes() if path.is_file() else None

    def processes(self):
        """The preview's build processes that are still running (for tests: never more than a few)."""
        settles = [self.running, self.worker, *self.retiring]
        return [settle.process for settle in settles if settle is not None and settle.process.poll() is None]

    def stop(self):
        """Stop every process of the preview, each within a time limit, and remove their folders."""
        self.stop_settle()
        if self.worker is not None:
            self.retire(self.worker)
            self.worker = None
        for worker in self.retiring:
            worker.wait_until_ended(EXIT_TIME_LIMIT)
            worker.remove()
        self.retiring = []


# `invoke livereload` ---------------------------------------------------------------------------------


class Browsers(LiveReload):
    """The server's browsers, whose reload waits until those that reload a page have loaded it again
    (their events connection is back), or BROWSER_LOAD_LIMIT: what the preview does next, a full build,
    would take the cores they need to show the page."""

    def __init__(self):
        super().__init__()
        self.connections_made = 0

    def connect(self, connection, page):
        super().connect(connection, page)
        with self.changed:
            self.connections_made += 1
            self.changed.notify_all()

    def reload(self, files):
        files = set(files)
        with self.changed:
            reloading = sum(page in files for page in self.shown.values())  # a stylesheet reloads in place
            made = self.connections_made
        super().reload(files)
        if reloading:
            with self.changed:
                self.changed.wait_for(
                    lambda: self.connections_made - made >= reloading or self.stopping,
                    timeout=BROWSER_LOAD_LIMIT,
                )


def follow_changes(preview, live, stopping):
    """The preview's thread: show each batch of saves, and complete each settle."""
    while not stopping.is_set():
        changed = set()
        try:
            event = preview.events.get(timeout=CHECK_EVERY)
            while True:  # what came while the last save was shown is one batch
                if isinstance(event, set):
                    changed |= event
                event = preview.events.get_nowait()
        except queue.Empty:
            pass
        try:
            if changed:
                preview.update(changed, live.shown_files())
            preview.check_settle(live.shown_files())
        except Exception:  # the server stays up; the next save tries again
            traceback.print_exc()


def live_preview(settings_file, host, port):
    """Serve the site, show each save in the browser at once, and settle on a full build (Ctrl-C stops)."""
    live = Browsers()
    preview = Preview(settings_file, reload=live.reload)
    watcher = Watcher(preview.sources.folders(), preview.settings_file, preview.events.put).start()
    stopping = threading.Event()
    follower = threading.Thread(target=follow_changes, args=(preview, live, stopping), name="preview")
    # Stopped as by Ctrl-C, so that every build process stops with it.
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        preview.start()
        preview.output.mkdir(parents=True, exist_ok=True)
        with serve(preview.output, host, port, live=live) as address:
            print(f"Serving {shown(preview.output)} at {address}/ as you save (Ctrl-C stops).", flush=True)
            follower.start()
            while True:
                time.sleep(0.2)  # time.sleep, unlike waiting on a lock, is interrupted by Ctrl-C everywhere
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
        if follower.ident is not None:
            follower.join(timeout=EXIT_TIME_LIMIT + FIRST_LOOK_TIME_LIMIT)
        watcher.stop()
        preview.stop()
