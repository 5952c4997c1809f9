"""Building the site: what tasks.py, the live preview and the tests share.

`build()` runs Pelican in this process into an empty staging folder beside the output folder, and
only a build without problems takes the output's place, keeping what a deploy target keeps there
(OUTPUT_RETENTION: .git, CNAME…). A failed build leaves the last good site as it was. Its problems
are printed by plugins/problems.py, one sorted line each; here the failure is one more line.
"""

import logging
import os
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings

from plugins import problems
from plugins.problems import shown

logger = logging.getLogger(__name__)


class BuildFailed(Exception):
    """The build stopped; its problems are printed, and the output folder is as it was."""


@dataclass
class Built:
    """A finished build: where it is, its settings, and the notes it printed (problems that fail nothing)."""

    output: Path
    settings: dict
    notes: list = field(default_factory=list)


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


def build_with_cache(settings_file, cache, fresh=False, **overrides):
    """A build that reads only the posts changed since the last one, from Pelican's content cache.

    The cache keeps posts as the settings and plugins of its build made them: `fresh` starts it again."""
    if fresh:
        shutil.rmtree(cache, ignore_errors=True)
    cached = {"CACHE_PATH": str(cache), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    return build(settings_file, **cached, **overrides)
