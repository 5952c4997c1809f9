"""The live preview: a saved change shows at the speed of typing, and the preview always settles on
exactly what a clean build writes.

On every save (watchfiles tells within about 50 ms):

1. A *first look*: when the browser shows the page of the post or template saved (livereload's
   `info` message names the page each browser shows), that page is rendered at once from the last
   model, the post read again, and the browser reloads.
2. A *model run* (site_model.py): Pelican runs as a build does, from its content cache and with
   every plugin, recording each page's call instead of rendering it: the whole site as a build sees
   it, in about half a second for a thousand posts. Its problems are printed as a build's are; a
   failing run puts the last good site back. The shown pages are rendered from it again, exactly.
3. Every other page whose inputs changed is rendered (`pages_to_render`, the dependency rule), and
   the pages no longer written are deleted. Every file replaced is remembered (`Undo`).
4. The *settle*: a full build from the cache in a subprocess, into a folder beside the output,
   swapped in when it succeeds and nothing has changed since. It adds what the fast path leaves
   out (the search index, files copied as they are) and checks every link. If it fails, its
   problems are printed and the files the fast path replaced are put back: the last good site.

A change to the settings or to a content file that posts measure (an image) starts the content
cache afresh, as build_with_cache(fresh=True) does. Plugins are Python already imported here: after
a change to one, every save settles with the new code (in a new process), and the preview says how
to be quick again.

`python -m preview settle …` is the settle's own process.
"""

import argparse
import contextlib
import itertools
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles
from build import BuildFailed, run_pelican, shown, swap_in, where_in_a_template
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from pelican.generators import Generator
from pelican.readers import Readers
from pelican.settings import read_settings
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer
from site_model import PageCall, model_run, pages_to_render, vanished_files
from tornado import web
from tornado.escape import json_decode
from tornado.ioloop import IOLoop

from plugins import problems

# A full build of a thousand posts takes seconds; one from an empty cache, under a minute. A settle
# still running after this long is stuck, and is stopped with a message.
SETTLE_TIME_LIMIT = 600
# How long a stopped settle may take to end; it is killed, so this is ample.
STOP_TIME_LIMIT = 10
# watchfiles yields a batch once nothing has changed for this long (ms): an editor's save is
# several writes (a temporary file, a rename) within a few milliseconds.
WATCH_STEP_MS = 30
# How long the watcher's thread waits for changes before looking whether it should stop (ms).
WATCH_TIMEOUT_MS = 500
# After asking the browsers to reload, the preview lets them load the page and its stylesheet before
# going on (its work would slow the answers): until they have been quiet this long (s), or at most
# BROWSER_LOAD_LIMIT (s), when no browser asks (none is open, or it shows another page).
BROWSER_QUIET = 0.05
BROWSER_LOAD_LIMIT = 0.5


# Putting back the last good site -----------------------------------------------------------------


class Undo:
    """Each file the fast path replaced or deleted since the last good site, as it was there."""

    def __init__(self, output):
        self.output = output
        self.kept = {}  # path -> its bytes in the last good site, or None where it had no file

    def keep(self, path):
        if path not in self.kept:
            self.kept[path] = path.read_bytes() if path.is_file() else None

    def restore(self):
        """Put the last good site back: its files as they were, and no file it did not have."""
        for path, data in self.kept.items():
            if data is None:
                path.unlink(missing_ok=True)
                remove_empty_folders(path.parent, self.output)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        self.forget()

    def forget(self):
        self.kept = {}


def remove_empty_folders(folder, root):
    """Remove `folder` and its parents up to `root` while they are empty, as a clean build never makes them."""
    while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# The settle ---------------------------------------------------------------------------------------


def cache_settings(cache, keep):
    """The content cache a settle reads, and saves only when it keeps its own (`keep`)."""
    return {"CACHE_PATH": str(cache), "CACHE_CONTENT": keep, "LOAD_CONTENT_CACHE": True}


SETTLE_NUMBERS = itertools.count(1)  # each settle's folder has its own name


class Settle:
    """A full build from the content cache, in a process of its own, into a folder beside the output.

    Its own process: a fresh interpreter runs the plugins as they are on disk, the server stays
    free to answer the browser, and stopping it (a newer save) is killing its process group, which
    takes its Pagefind with it."""

    def __init__(self, settings_file, output, cache, keep_cache=False, fresh=False):
        # A folder of its own: one a stopped settle half wrote is removed later, not in the author's way.
        self.folder = output.with_name(f".staging-preview-{os.getpid()}-{next(SETTLE_NUMBERS)}-{output.name}")
        self.messages = tempfile.TemporaryFile()  # noqa: SIM115 (read by messages(), closed by stop())
        command = [
            sys.executable,
            "-m",
            "preview",
            "settle",
            str(settings_file),
            str(self.folder),
            str(output),
        ]
        command += ["--cache", str(cache)] + ["--keep-cache"] * keep_cache + ["--fresh"] * fresh
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            cwd=settings_file.parent,
            stdout=subprocess.DEVNULL,
            stderr=self.messages,
            start_new_session=True,
        )

    def poll(self):
        """Its exit status, or None while it runs."""
        return self.process.poll()

    def overdue(self):
        return time.monotonic() - self.started > SETTLE_TIME_LIMIT

    def wait(self, timeout=SETTLE_TIME_LIMIT):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise TimeoutError(
                f"The preview's full build took more than {timeout} s and was stopped."
            ) from None

    def printed(self):
        self.messages.seek(0)
        return self.messages.read().decode(errors="replace")

    def stop(self):
        """End it, if it still runs; remove() deletes what it wrote."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
                os.killpg(self.process.pid, signal.SIGKILL)
            try:
                self.process.wait(timeout=STOP_TIME_LIMIT)
            except subprocess.TimeoutExpired:
                raise RuntimeError(
                    f"The preview's full build (process {self.process.pid}) did not end when killed."
                ) from None
        self.messages.close()

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def settle_main(arguments):
    """The settle's process: build into a folder, saying `output` in its messages; exit 1 if it fails."""
    parser = argparse.ArgumentParser(prog="python -m preview settle")
    parser.add_argument("settings")
    parser.add_argument("into", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--keep-cache", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args(arguments)
    if options.fresh:
        shutil.rmtree(options.cache, ignore_errors=True)
    settings = read_settings(options.settings, override=cache_settings(options.cache, options.keep_cache))
    options.into.mkdir(parents=True)
    try:
        run_pelican({**settings, "OUTPUT_PATH": str(options.into)}, options.output)
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        sys.exit(1)


# The preview ---------------------------------------------------------------------------------------

PLUGINS, SETTINGS, MEASURED_FILE, SOURCES = "plugins", "settings", "measured file", "sources"


def written_names(terms):
    """A post's tags (or category, or authors) as its file spells them (plugins/taxonomy.py)."""
    if terms is None:
        return None
    if isinstance(terms, URLWrapper):
        return getattr(terms, "written_as", terms.name)
    return [written_names(term) for term in terms]


def file_for_url(url):
    """The output file a page's address is served from: "/posts/x/" -> "posts/x/index.html"."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


class Preview:
    """The site in output/, kept equal to what a clean build of the sources would write.

    `update()` is the fast path for a batch of saved files, `check_settle()` completes the settle
    once it has ended; `settle()` waits for it (the first build, and tests). `reload` is told the
    output files a browser showing them should reload."""

    def __init__(self, settings_file, output=None, cache=None, reload=None):
        self.settings_file = Path(settings_file).resolve()
        self.settings = read_settings(str(self.settings_file))
        self.output = Path(output or self.settings["OUTPUT_PATH"]).resolve()
        self.cache = Path(cache or self.settings_file.parent / "cache").resolve()
        self.reload = reload or (lambda files: None)
        self.model = None  # the site as output/ shows it
        self.good_model = None  # the site as the last good build wrote it
        self.undo = Undo(self.output)
        self.running_settle = None
        self.stopped_settles = []  # their folders are removed once the fast path is done
        self.plugins_changed = False
        self.settle_failed = False
        self.readable_extensions = set(Readers(self.settings).extensions)
        self.timings = {}  # the last update's: seconds from its start to the end of each step

    # The fast path

    def update(self, changed_paths, shown_urls=()):
        """Show a batch of saved files: the pages the browser shows first, then the rest; then settle."""
        started = time.perf_counter()
        self.timings = {}

        def done(step):
            self.timings[step] = time.perf_counter() - started

        change = self.kind_of_change(changed_paths)
        fresh = change in (PLUGINS, SETTINGS, MEASURED_FILE)
        self.stop_settle()
        if change == SETTINGS:
            self.settings = read_settings(str(self.settings_file))
            self.readable_extensions = set(Readers(self.settings).extensions)
        if change == PLUGINS or self.plugins_changed:
            self.settle_with_new_plugins(changed_paths, fresh)
            return
        shown_files = [file_for_url(url) for url in shown_urls]
        if change == SOURCES:
            self.reload(self.first_look(changed_paths, shown_files))
            done("first look")
        try:
            new = self.model_run(fresh=fresh)
            done("model run")
        except BuildFailed as failure:
            self.back_to_the_last_good_site(shown_files, failure)
            return
        try:
            self.reload(self.render(new, new.calls_for_files(shown_files)) & set(shown_files))
            self.reload(self.copy_theme_files(changed_paths))
            done("shown pages")
            shown_calls = set(new.calls_for_files(shown_files))
            others = [call for call in pages_to_render(self.model, new) if call not in shown_calls]
            done("dependency rule")
            self.render(new, others)
            self.delete(vanished_files(self.model, new))
            done("other pages")
            self.timings["pages rendered"] = sum(len(call.files) for call in others)
        except Exception as error:  # a template that fails on the new content: as a failing build
            where = where_in_a_template(error)
            self.back_to_the_last_good_site(shown_files, f"{where}{type(error).__name__}: {error}")
            return
        self.model = new
        self.start_settle()

    def first_look(self, changed_paths, shown_files):
        """Before the model run: each shown page a saved post or template changes, from the last model.

        A saved post is read again, and its page takes from other posts (its neighbours, its tags'
        names) what the last model had; a saved template is loaded again, the model being the same.
        The model run that follows renders the page again, exactly, and it reloads if that differs
        (a moved date's new neighbours). The files rendered; none where the first look fails (the
        model run will say why)."""
        if self.model is None:
            return set()
        changed = {Path(path).resolve() for path in changed_paths}
        try:
            templates = self.fresh_templates() if any(map(self.is_template, changed)) else None
            looks = [
                self.look_again(call, changed, templates) for call in self.model.calls_for_files(shown_files)
            ]
            return self.render(self.model, [look for look in looks if look is not None])
        except Exception:
            return set()

    def look_again(self, call, changed, templates):
        """A shown page's call with its saved post read again and its templates loaded again; None when
        neither changed, or its post cannot be read or moved to another address."""
        if call.method != "write_file":
            return None
        args, options = call.args, call.options
        if templates is not None:
            template_name = os.path.splitext(call.template.name)[0]
            args = (args[0], templates.get_template(template_name), *args[2:])
        role = next((name for name in ("article", "page") if name in options), None)
        post = options.get(role)
        if (
            post is not None
            and Path(post.source_path).resolve() in changed
            and Path(post.source_path).is_file()
        ):
            again = self.read_again(post, call.context)
            if again is None or again.save_as != post.save_as:
                return None
            options = {**options, role: again}
        if args is call.args and options is call.options:
            return None
        return PageCall(call.method, args, options, call.files)

    def is_template(self, path):
        folders = [
            Path(self.settings["THEME"], "templates"),
            *map(Path, self.settings["THEME_TEMPLATES_OVERRIDES"]),
        ]
        return any(path.is_relative_to(folder) for folder in folders)

    def fresh_templates(self):
        """A generator whose templates are loaded anew, with the last model's settings (its filters and
        tests): Pelican's own base class, which reads nothing."""
        settings = self.model.settings
        return Generator(
            context=self.model.calls[0].context,
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=str(self.output),
        )

    def read_again(self, post, context):
        """The post read from its file as a build reads it, given what the build's generators gave the
        last one; None if reading it finds a problem (the model run will say which)."""
        settings = self.model.settings
        before = len(problems.collector.problems) if problems.collector else None
        try:
            again = Readers(settings).read_file(
                base_path=settings["PATH"],
                path=os.path.relpath(post.source_path, settings["PATH"]),
                content_class=type(post),
                context=context,
            )
        except Exception:
            return None
        if before is None or len(problems.collector.problems) != before:
            return None
        for name, value in vars(post).items():  # set once all posts are read: neighbours, translations
            if not hasattr(again, name) or name == "translations":
                setattr(again, name, value)
        for name in ("tags", "category", "author", "authors"):  # their names as all posts spell them
            if hasattr(post, name) and written_names(getattr(again, name, None)) == written_names(
                getattr(post, name)
            ):
                setattr(again, name, getattr(post, name))
        again.refresh_metadata_intersite_links()
        return again

    def back_to_the_last_good_site(self, shown_files, failure):
        """A save the build fails on: say why, and show the last good site, as a failed build leaves it."""
        lines = str(failure).splitlines()
        if not lines[-1].startswith("Build failed:"):
            lines.append(f"Build failed: {shown(self.output)}/ is unchanged.")
        print("\n".join(lines), file=sys.stderr, flush=True)
        before = {file: self.read_output(file) for file in shown_files}
        self.undo.restore()
        self.model = self.good_model
        self.reload({file for file in shown_files if self.read_output(file) != before[file]})

    def kind_of_change(self, paths):
        """What a batch of changed files asks for: new plugins, a fresh cache, or a model run from it."""
        paths = [Path(path).resolve() for path in paths]
        if any(self.is_plugin(path) for path in paths):
            return PLUGINS
        if self.settings_file in paths:
            return SETTINGS
        if any(self.is_measured(path) for path in paths):
            return MEASURED_FILE
        return SOURCES

    def is_plugin(self, path):
        for folder in self.settings["PLUGIN_PATHS"]:
            for name in self.settings["PLUGINS"]:
                place = Path(folder, *str(name).split(".")[:1])
                if path == place.with_suffix(".py") or path.is_relative_to(place):
                    return True
        return False

    def is_measured(self, path):
        """A file in the content folder, no post, that a post names: an image, whose size its page holds.
        The cache keeps posts as they were read, so they must be read again: start the cache afresh."""
        if (
            not path.is_relative_to(self.settings["PATH"])
            or path.suffix.lstrip(".") in self.readable_extensions
        ):
            return False
        if self.model is None:
            return True
        return any(path.name in (post.content or "") for post in self.model.every_post())

    def copy_theme_files(self, changed_paths):
        """Copy changed files of the theme's static folders as Pelican does; the output files copied.

        Not when the stylesheet is named by a hash of its content (HASHED_STYLESHEET): pages name it."""
        if self.settings.get("HASHED_STYLESHEET"):
            return set()
        copied = set()
        for path in map(Path, changed_paths):
            for static in self.settings["THEME_STATIC_PATHS"]:
                folder = Path(self.settings["THEME"], static)
                if path.is_file() and path.is_relative_to(folder) and folder.is_dir():
                    file = (Path(self.settings["THEME_STATIC_DIR"]) / path.relative_to(folder)).as_posix()
                    self.undo.keep(self.output / file)
                    (self.output / file).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, self.output / file)
                    copied.add(file)
        return copied

    def model_run(self, fresh=False):
        if fresh:
            shutil.rmtree(self.cache, ignore_errors=True)
        settings = read_settings(str(self.settings_file), override=cache_settings(self.cache, keep=True))
        return model_run(settings, self.output, self.cache / "model-output")

    def render(self, model, calls):
        """Render calls of a model into the output folder; the files whose bytes changed."""
        writer = Writer(str(self.output), settings=model.settings)
        changed = set()
        for call in calls:
            before = {file: self.read_output(file) for file in call.files}
            for file in call.files:
                self.undo.keep(self.output / file)
            getattr(writer, call.method)(*call.args, **call.options)
            changed |= {file for file in call.files if self.read_output(file) != before[file]}
        return changed

    def read_output(self, file):
        path = self.output / file
        return path.read_bytes() if path.is_file() else None

    def delete(self, files):
        for file in files:
            path = self.output / file
            self.undo.keep(path)
            path.unlink(missing_ok=True)
            remove_empty_folders(path.parent, self.output)

    # The settle

    def start_settle(self, keep_cache=False, fresh=False):
        self.stop_settle()
        self.remove_stopped_settles()
        self.running_settle = Settle(self.settings_file, self.output, self.cache, keep_cache, fresh)

    def stop_settle(self):
        if self.running_settle:
            running, self.running_settle = self.running_settle, None
            running.stop()
            self.stopped_settles.append(running)

    def remove_stopped_settles(self):
        while self.stopped_settles:
            self.stopped_settles.pop().remove()

    def settle(self, timeout=SETTLE_TIME_LIMIT):
        """Wait for the running settle and complete it; True if the site it built is now the output."""
        if not self.running_settle:
            return not self.settle_failed
        self.running_settle.wait(timeout)
        return self.check_settle()

    def check_settle(self, shown_urls=()):
        """Complete the settle if it has ended: its site swapped in, or the last good site put back."""
        running = self.running_settle
        if running is None:
            self.remove_stopped_settles()
            return None
        status = running.poll()
        if status is None:
            if running.overdue():
                self.stop_settle()
                print(
                    f"The preview's full build took more than {SETTLE_TIME_LIMIT} s and was stopped.",
                    file=sys.stderr,
                )
            return None
        self.running_settle = None
        shown_files = {file_for_url(url) for url in shown_urls}
        before = {file: self.read_output(file) for file in shown_files}
        if status == 0:
            swap_in(running.folder, self.output, self.settings["OUTPUT_RETENTION"])
            self.undo.forget()
            self.good_model = self.model
            self.settle_failed = False
            if self.plugins_changed:
                print(running.printed(), end="", file=sys.stderr, flush=True)
        else:
            print(running.printed(), end="", file=sys.stderr, flush=True)
            self.undo.restore()
            self.model = self.good_model
            self.settle_failed = True
        running.stop()
        running.remove()
        self.reload({file for file in shown_files if self.read_output(file) != before[file]})
        return status == 0

    def settle_with_new_plugins(self, changed_paths, fresh):
        """Plugins changed: the model runs here would use their old code, so every save now settles,
        keeping the content cache itself (from scratch when plugins, settings or images changed)."""
        if not self.plugins_changed:
            names = ", ".join(
                sorted(str(shown(path)) for path in changed_paths if self.is_plugin(Path(path).resolve()))
            )
            print(
                f"{names} changed: each save now rebuilds the whole site with the new code; "
                "restart `invoke livereload` to preview at the speed of typing again.",
                file=sys.stderr,
                flush=True,
            )
        self.plugins_changed = True
        self.start_settle(keep_cache=True, fresh=fresh)

    # The first build

    def start(self):
        """Build the site afresh: a model run from an empty cache, then a settle, waited for."""
        try:
            self.model = self.model_run(fresh=True)
        except BuildFailed as failure:
            print(failure, file=sys.stderr, flush=True)
            return False
        self.start_settle()
        return self.settle()


# The browser's side --------------------------------------------------------------------------------


class Browsers:
    """The page each connected browser shows, as its livereload `info` message names it, and when
    the server last answered one of their requests.

    Written by the server's thread, read by the preview's."""

    def __init__(self):
        self.lock = threading.Condition()
        self.shown = {}  # connection -> the address of the page it shows
        self.last_answer = 0.0  # time.monotonic() of the last request answered

    def show(self, connection, url):
        with self.lock:
            self.shown[connection] = url

    def forget(self, connection):
        with self.lock:
            self.shown.pop(connection, None)

    def answered(self):
        with self.lock:
            self.last_answer = time.monotonic()
            self.lock.notify_all()

    def wait_until_loaded(self, since):
        """Wait until the browsers have asked for something since `since` and then been quiet a moment
        (a page, then its stylesheet), or for at most BROWSER_LOAD_LIMIT."""
        deadline = time.monotonic() + BROWSER_LOAD_LIMIT
        with self.lock:
            while (now := time.monotonic()) < deadline:
                if self.last_answer > since and now - self.last_answer >= BROWSER_QUIET:
                    return
                quiet_by = self.last_answer + BROWSER_QUIET if self.last_answer > since else deadline
                self.lock.wait(timeout=max(0.001, min(deadline, quiet_by) - now))

    def urls(self):
        with self.lock:
            return list(self.shown.values())


class BrowserConnection(LiveReloadHandler):
    """livereload's websocket to a browser, which names the page it shows in its `info` message."""

    # reload_waiters() logs the name of its watcher's last changed file: this watcher never runs.
    watcher = Watcher()

    def initialize(self, browsers):
        self.browsers = browsers

    def on_message(self, message):
        super().on_message(message)
        said = json_decode(message)
        if said.get("command") == "info" and "url" in said:
            self.browsers.show(self, said["url"])

    def on_close(self):
        super().on_close()
        self.browsers.forget(self)


class StaticHostWithReload(StaticFileHandler):
    """livereload's file handler, answering a missing address with the site's 404.html, as hosts do."""

    def initialize(self, browsers=None, **options):
        super().initialize(**options)
        self.browsers = browsers

    def on_finish(self):
        if self.browsers:
            self.browsers.answered()

    def write_error(self, status_code, **kwargs):
        not_found_page = Path(self.root) / "404.html"
        if status_code != 404 or not not_found_page.is_file():
            return super().write_error(status_code, **kwargs)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        return self.finish(not_found_page.read_bytes())


class LiveScript(LiveScriptInjector):
    """Puts livereload's script in every page served; it connects to the server that served the page."""

    script = b'<script src="/livereload.js"></script>'


def preview_application(output, browsers):
    """The site's files, livereload's script, and its websocket, on one port."""
    return web.Application(
        [
            (r"/livereload", BrowserConnection, {"browsers": browsers}),
            (r"/livereload.js", LiveReloadJSHandler),
            (
                r"/(.*)",
                StaticHostWithReload,
                {"path": str(output), "default_filename": "index.html", "browsers": browsers},
            ),
        ],
        transforms=[LiveScript],
    )


def reload_browsers(loop, browsers, files):
    """Ask the browsers to reload, once however many files changed (a stylesheet alone is swapped in
    place, livereload's live CSS; anything else reloads the page), and give them the moment they
    take to load it before the preview goes on: what the author looks at comes first."""
    if files:
        asked = time.monotonic()
        first = sorted(files, key=lambda file: not file.endswith(".css"))[0]
        loop.add_callback(BrowserConnection.reload_waiters, first)
        browsers.wait_until_loaded(since=asked)


def source_folders(settings):
    """The folders of the site's sources: content, theme, and the plugins the settings load."""
    folders = [Path(settings["PATH"]), Path(settings["THEME"])]
    for folder in settings["PLUGIN_PATHS"]:
        for name in settings["PLUGINS"]:
            package = Path(folder, str(name).split(".")[0])
            folders += [package] if package.is_dir() else []
    return sorted(set(folders))


def watch_sources(paths, batches, stop, **options):
    """Put each batch of changed files on `batches`, until `stop` is set (a watcher's thread)."""
    for changes in watchfiles.watch(
        *paths,
        step=WATCH_STEP_MS,
        stop_event=stop,
        rust_timeout=WATCH_TIMEOUT_MS,
        raise_interrupt=False,
        **options,
    ):
        batches.put({path for _, path in changes})


def watch_settings(settings_file, batches, stop):
    """The settings file, watched through its folder: an editor may save it as a new file, renamed."""

    def is_the_settings_file(change, path):
        return Path(path) == settings_file

    watch_sources([settings_file.parent], batches, stop, recursive=False, watch_filter=is_the_settings_file)


def follow_changes(preview, batches, browsers, stop):
    """Show each batch of changes, and complete each settle (the preview's thread)."""
    while not stop.is_set():
        try:
            changed = batches.get(timeout=0.05)
            while not batches.empty():  # saves that came while the last one was shown
                changed |= batches.get_nowait()
        except queue.Empty:
            changed = None
        try:
            if changed:
                preview.update(changed, browsers.urls())
            else:
                preview.check_settle(browsers.urls())
        except Exception:  # the server stays up; the next save tries again
            traceback.print_exc()


def live_preview(settings_file, host, port):
    """Serve the site, show each saved change in the browser at once, and settle on a full build."""
    loop = IOLoop.current()
    browsers = Browsers()
    preview = Preview(settings_file, reload=lambda files: reload_browsers(loop, browsers, files))
    preview.start()
    preview_application(preview.output, browsers).listen(port, address=host)
    stop, batches = threading.Event(), queue.Queue()
    workers = [
        threading.Thread(target=watch_sources, args=(source_folders(preview.settings), batches, stop)),
        threading.Thread(target=watch_settings, args=(preview.settings_file, batches, stop)),
        threading.Thread(target=follow_changes, args=(preview, batches, browsers, stop)),
    ]
    for worker in workers:
        worker.start()
    print(
        f"Serving {shown(preview.output)} at http://{host}:{port}/, updated as you save (Ctrl-C stops).",
        flush=True,
    )
    # Stopped as by Ctrl-C, so that the settle running in its own process group stops with it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=STOP_TIME_LIMIT)
        preview.stop_settle()
        preview.remove_stopped_settles()


if __name__ == "__main__" and sys.argv[1:2] == ["settle"]:
    settle_main(sys.argv[2:])
