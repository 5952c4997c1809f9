"""An old Pelican site's settings, as `invoke move-in` reads them: without running its plugins, without the
network, within a time limit.

`read_old_settings(old_blog, settings_file=None)` runs ourblog/guarded_settings.py in a process of its
own, in the old blog's folder, on its pelicanconf.py, and on its publishconf.py too when there is one and
no other settings file was named: in Pelican's quickstart layout, what the old site published (its
feeds, its SITEURL) is there, while pelicanconf.py sets the feeds to None. The answer is an OldSettings.
"""

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from plugins.problems import shown

# Reading settings takes a second; a file still running after this long is stuck, or waiting for something.
READ_TIME_LIMIT = 60
GUARD = Path(__file__).with_name("guarded_settings.py")


class SettingsUnreadable(Exception):
    """The old settings could not be read at all; the message says which file and why."""


@dataclass
class OldSettings:
    """What the old site's settings files say."""

    files: list  # the files read, as Paths: pelicanconf.py, then publishconf.py when it was read
    local: dict  # every setting of the first file, Pelican's defaults filled in
    published: dict  # every setting of what the old site published: the last file read
    own: dict  # the settings the files themselves set (the last file's value where both set one)
    defaults: dict  # Pelican's own defaults
    unreadable: dict = field(default_factory=dict)  # name -> why its value could not be read
    stood_in: list = field(default_factory=list)  # the modules imported as stand-ins, never run
    warnings: list = field(default_factory=list)  # what Pelican said while reading them

    def is_default(self, name):
        """Whether a setting is Pelican's default, which the old files do not set."""
        return name not in self.own and self.published.get(name) == self.defaults.get(name)

    @property
    def folder(self):
        return self.files[0].parent

    def plugins(self):
        """(name as written, short name) of each plugin the old site listed."""
        names = self.published.get("PLUGINS") or self.local.get("PLUGINS") or []
        return [(name, short_plugin_name(name)) for name in names]


def settings_files(old_blog, settings_file=None):
    """The files to read: the one named, or pelicanconf.py and (when it is there) publishconf.py."""
    if settings_file:
        named = Path(settings_file)
        path = named if named.is_file() else Path(old_blog) / named
        if not path.is_file():
            raise SettingsUnreadable(f"There is no settings file {settings_file} (nor {shown(path)}).")
        return [path.resolve()]
    local = Path(old_blog) / "pelicanconf.py"
    if not local.is_file():
        raise SettingsUnreadable(
            f"{shown(old_blog)} has no pelicanconf.py: name its settings file with --settings FILE."
        )
    published = local.with_name("publishconf.py")
    return [path.resolve() for path in (local, published) if path.is_file()]


def read_old_settings(old_blog, settings_file=None, time_limit=READ_TIME_LIMIT):
    """The old site's settings; SettingsUnreadable if a file cannot be read at all."""
    folder = Path(old_blog).resolve()
    files = settings_files(folder, settings_file)
    command = [sys.executable, "-I", "-B", str(GUARD), str(folder), *map(str, files)]
    try:
        ran = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=time_limit)
    except subprocess.TimeoutExpired:
        raise SettingsUnreadable(
            f"Reading {', '.join(path.name for path in files)} took longer than {time_limit} s: "
            "does the file wait for something, or loop?"
        ) from None
    if ran.returncode != 0:
        last_line = (ran.stderr.strip().splitlines() or ["no message"])[-1]
        raise SettingsUnreadable(f"Reading the settings of {shown(folder)} failed: {last_line}")
    answer = json.loads(ran.stdout)
    read = []
    for path in files:
        result = answer["files"][str(path)]
        if "error" in result:
            raise SettingsUnreadable(f"{shown(path)} cannot be read: {result['error']}.")
        read.append(result)
    own, unreadable, warnings = {}, {}, []
    for result in read:
        own.update(literals(result["own"]))
        unreadable.update(result["unreadable"])
        warnings += [message for message in result["warnings"] if message not in warnings]
    return OldSettings(
        files=files,
        local=literals(read[0]["values"]),
        published=literals(read[-1]["values"]),
        own=own,
        defaults=literals(answer["defaults"]),
        unreadable=unreadable,
        stood_in=answer["stood_in"],
        warnings=warnings,
    )


def literals(sources):
    """{name: value} from {name: the Python source of a literal}."""
    return {name: ast.literal_eval(source) for name, source in sources.items()}


def short_plugin_name(name):
    """A plugin's name without its package's prefixes: "pelican.plugins.render_math" -> "render_math",
    "pelican_jupyter.markup" -> "jupyter", "liquid_tags.img" -> "liquid_tags"."""
    parts = [part for part in re.split(r"[./]", name) if part not in ("pelican", "plugins", "")]
    short = (parts[0] if parts else name).lower().replace("-", "_")
    return short.removeprefix("pelican_")
