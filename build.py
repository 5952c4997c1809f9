"""Building and serving the site: what tasks.py and the tests share.

`build()` runs Pelican in this process into an empty staging folder beside the output folder, and
only a build without problems takes the output's place, keeping what a deploy target keeps there
(OUTPUT_RETENTION: .git, CNAME…). A failed build leaves the last good site as it was. Its problems
are printed by plugins/problems.py, one sorted line each; here the failure is one more line.

`serve()` answers like a static host: folders by their index.html, and the site's own 404.html,
with status 404, for an address that has nothing. preview.py serves the live preview.
"""

import functools
import http.server
import logging
import os
import shutil
import socket
import threading
import time
import traceback
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings

from plugins import problems

ROOT = Path(__file__).resolve().parent
# What a copy of the project needs, beside content/, to build and run its tasks (tests and bench/ copy it).
PROJECT_FILES = [
    "theme",
    "plugins",
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    "build.py",
    "build_profile.py",
    "preview.py",
    "site_model.py",
    "Makefile",
]
logger = logging.getLogger(__name__)


class BuildFailed(Exception):
    """The build stopped; its problems are printed, and the output folder is as it was."""


@dataclass
class Built:
    """A finished build: where it is, its settings, and the notes it printed (problems that fail nothing)."""

    output: Path
    settings: dict
    notes: list = field(default_factory=list)


def shown(path):
    """A path as the author sees it: relative to the project, where it is inside."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def build(settings_file, output=None, **overrides):
    """Build with a settings file (and overrides) into `output` (its OUTPUT_PATH by default), or fail."""
    settings = read_settings(str(settings_file), override=overrides)
    output = Path(output or settings["OUTPUT_PATH"])
    # One per process, beside the output so that swapping is a rename; made with mkdir, so with the umask.
    staging = output.with_name(f".staging-{os.getpid()}-{output.name}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        notes = run_pelican({**settings, "OUTPUT_PATH": str(staging)}, output)
        swap_in(staging, output, settings["OUTPUT_RETENTION"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Built(output, {**settings, "OUTPUT_PATH": str(output)}, notes)


class ErrorsWhileStarting(logging.Handler):
    """Errors Pelican logs before plugins/problems.py listens: a plugin that cannot be loaded, say."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(" ".join(record.getMessage().split()))


def start_pelican(settings, output):
    """Pelican, its plugins loaded; a plugin that fails to load fails the build, rather than leaving its work undone."""
    starting = ErrorsWhileStarting()
    logging.getLogger().addHandler(starting)
    try:
        pelican = Pelican(settings)
    finally:
        logging.getLogger().removeHandler(starting)
    if starting.messages:
        raise BuildFailed("\n".join([*starting.messages, f"Build failed: {shown(output)}/ is unchanged."]))
    return pelican


def run_pelican(settings, output):
    """Run Pelican with its logging but without its console handler: plugins/problems.py reports."""
    init_pelican_logging(handler=None)
    try:
        start_pelican(settings, output).run()
    except SystemExit as stop:  # plugins/problems.py stops a build whose problems it has printed
        raise BuildFailed(f"Build failed: {shown(output)}/ is unchanged.") from stop
    except BuildFailed:
        raise
    except Exception as error:
        where = where_in_a_template(error)
        # A critical record makes plugins/problems.py print what it found before the build stopped.
        logger.critical("the build stopped at %s", where or type(error).__name__)
        raise BuildFailed(
            f"{where}{type(error).__name__}: {error}\nBuild failed: {shown(output)}/ is unchanged."
        ) from None
    return last_notes()


def last_notes():
    """The notes plugins/problems.py printed for the build that just ended."""
    return [str(problem) for problem in problems.last_report if problem.note]


def where_in_a_template(error):
    """ "theme/templates/tag.html:3: " for an error a template raised, else nothing."""
    # Jinja puts the template's own file and line into the traceback of an error raised in it.
    frames = [(frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(error.__traceback__)]
    templates = [(name, line) for name, line in frames if name.endswith(".html")]
    if not templates:
        return ""
    name, line = templates[-1]
    return f"{shown(name)}:{line}: "


def swap_in(staging, output, retention):
    """Make the staged build the output folder, then move in what a deploy target keeps there.

    Nothing is deleted until the new output holds every kept entry: if a step fails, each entry is
    still in the previous output folder or the new one."""
    if not output.exists():
        staging.rename(output)
        return
    previous = output.with_name(staging.name + "-previous")
    output.rename(previous)
    try:
        staging.rename(output)
    except OSError:
        previous.rename(output)
        raise
    for name in retention:
        if (previous / name).exists() and not (output / name).exists():
            (previous / name).rename(output / name)
    shutil.rmtree(previous)


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as static hosts do: folders by their index.html, and 404.html for a missing page."""

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.is_file():
            return super().send_error(code, message, explain)
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@contextmanager
def serve(folder, host="127.0.0.1", port=0):
    """Serve a folder in a thread while the block runs; yields its address, without a trailing slash.

    Port 0 asks the system for a free port."""
    handler = functools.partial(StaticHost, directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_with_cache(settings_file, cache, fresh=False, **overrides):
    """A build that reads only the posts changed since the last one, from Pelican's content cache.

    The cache keeps posts as the settings and plugins of its build made them: `fresh` starts it again."""
    if fresh:
        shutil.rmtree(cache, ignore_errors=True)
    cached = {"CACHE_PATH": str(cache), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    return build(settings_file, **cached, **overrides)


def free_port(host="127.0.0.1"):
    """A port the system has just handed out, for a server another process starts (a test's, a benchmark's)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until_served(address, limit=120, process=None):
    """Wait until a server answers at an address, and return its status. Raise TimeoutError when `limit`
    seconds pass, or RuntimeError when `process`, the server's, stops first; each names the address."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(address, timeout=5) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError) as error:
            if process is not None and process.poll() is not None:
                raise RuntimeError(
                    f"the server stopped (status {process.returncode}) before serving {address}"
                ) from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing answered at {address} within {limit} s: {error}") from None
            time.sleep(0.2)


def copy_sources(project, destination):
    """A project's sources (those of PROJECT_FILES it has) copied into a folder, as a clone holds them."""
    for name in PROJECT_FILES:
        source = Path(project) / name
        if source.exists():
            (shutil.copytree if source.is_dir() else shutil.copy)(source, Path(destination) / name)


def serve_forever(folder, host, port):
    """Serve a built site until Ctrl-C."""
    with serve(folder, host, port) as address:
        print(f"Serving {shown(folder)} at {address}/ (Ctrl-C stops).", flush=True)
        threading.Event().wait()
