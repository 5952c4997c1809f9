"""Reads an old Pelican site's settings files in a process of its own, running nothing but the files.

ourblog/old_settings.py starts it, in the old blog's folder, with a time limit:

    python -I -B guarded_settings.py OLD_BLOG FILE…

and reads the one JSON object it prints. For each FILE: the settings the file itself sets (Pelican's
`get_settings_from_file`) and every setting with Pelican's defaults filled in and deprecated names
handled (`read_settings`), each value written as the Python source of a literal; and Pelican's own
defaults, read the same way, to tell the two apart.

What keeps the old site's code from running:

- Imports. A settings file often imports the blog's plugins to list them in PLUGINS (`from
  pelican_jupyter import markup`, a module of its plugins folder). Such a module gets a stand-in, an empty
  module whose every attribute is another stand-in, and never runs: any module that is not installed
  here, that lives in the old blog's folder (but for its settings modules beside the file: pelicanconf,
  publishconf, *conf, *settings), or that is a Pelican plugin (pelican.plugins.*, pelican_*). The standard
  library and what this project installs are imported as usual.
- Side effects. The process may not write, delete or rename a file, start a program or open a connection:
  Python's audit hooks (`sys.addaudithook`) refuse each, and a file that tries is reported with the reason.
- The theme. A THEME folder that is not there (themes are often git submodules not checked out) would
  stop `read_settings`: it reads with Pelican's own "simple" theme instead, and the file's THEME is kept.

A value that is not a literal (a function for JINJA_FILTERS, a stand-in) is reported as unreadable, with
why; PLUGINS is given as the plugins' names.
"""

import contextlib
import importlib.abc
import importlib.machinery
import json
import logging
import os
import re
import sys
import types
from pathlib import Path

SETTINGS_MODULE = re.compile(r"\w*(conf|config|settings)", re.IGNORECASE)
PELICAN_PLUGIN = re.compile(r"pelican\.plugins\.\w+|pelican_\w+")
# What a settings file may not do while it is read, by audit event (docs.python.org, "Audit events table").
REFUSED_EVENTS = {
    "os.remove": "delete a file",
    "os.rmdir": "delete a folder",
    "shutil.rmtree": "delete a folder",
    "os.rename": "rename a file",
    "os.mkdir": "make a folder",
    "os.truncate": "change a file",
    "os.symlink": "make a link",
    "os.link": "make a link",
    "subprocess.Popen": "start a program",
    "os.system": "start a program",
    "os.exec": "start a program",
    "os.posix_spawn": "start a program",
    "os.spawn": "start a program",
    "os.startfile": "start a program",
    "os.fork": "start a process",
    "socket.connect": "open a network connection",
    "socket.getaddrinfo": "look up a host on the network",
    "socket.gethostbyname": "look up a host on the network",
}
WRITING_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class NotALiteral(ValueError):
    """A setting's value that cannot be written as a Python literal; the message says what it is."""


class StandIn:
    """What a stood-in module's attribute, or a call of one, gives: never the real thing."""

    def __init__(self, name):
        self.stand_in_for = name

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return StandIn(f"{self.stand_in_for}.{name}")

    def __call__(self, *args, **kwargs):
        return StandIn(f"{self.stand_in_for}()")

    def __iter__(self):
        return iter(())


class StandInModule(types.ModuleType):
    """An empty module in place of one that must not run; each of its names is a StandIn."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return StandIn(f"{self.__name__}.{name}")


class StandInLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return StandInModule(spec.name)

    def exec_module(self, module):
        pass  # nothing of the real module runs


class StandInFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: decides, for every import, whether the real module may run."""

    def __init__(self, blog_folder):
        self.blog_folder = blog_folder
        self.stood_in = []

    def find_spec(self, name, path=None, target=None):
        if self.runs(name, path):
            return None  # the usual finders import it
        self.stood_in.append(name)
        return importlib.machinery.ModuleSpec(name, StandInLoader(), is_package=True)

    def runs(self, name, path):
        parent = name.rpartition(".")[0]
        if parent and isinstance(sys.modules.get(parent), StandInModule):
            return False
        if PELICAN_PLUGIN.fullmatch(name):
            return False
        if name.partition(".")[0] in sys.stdlib_module_names:
            return True
        found = importlib.machinery.PathFinder.find_spec(name, path)
        if found is None:
            return False  # not installed here: the old site's own, or a plugin of its
        where = found.origin or next(iter(found.submodule_search_locations or []), "")
        if not where or not is_inside(where, self.blog_folder):
            return True
        return bool(SETTINGS_MODULE.fullmatch(name)) and Path(where).resolve().parent == self.blog_folder


def is_inside(path, folder):
    return Path(path).resolve().is_relative_to(folder)


def refuse_side_effects(event, arguments):
    """An audit hook: a settings file may read files, and nothing more."""
    if event == "open":
        path, mode, flags = arguments
        if (mode and set(mode) & set("wax+")) or (isinstance(flags, int) and flags & WRITING_FLAGS):
            raise PermissionError(f"it tries to write {path}, and move-in lets a settings file only read")
    elif event in REFUSED_EVENTS:
        raise PermissionError(
            f"it tries to {REFUSED_EVENTS[event]} ({event}), which move-in does not let it do"
        )


def as_literal(value):
    """A value made of Python literals only, or NotALiteral saying what it is."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, StandIn | StandInModule):
        name = getattr(value, "stand_in_for", None) or value.__name__
        raise NotALiteral(f"it comes from {name}, which move-in does not run")
    if isinstance(value, dict):
        return {as_literal(key): as_literal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_literal(item) for item in value]
    if isinstance(value, tuple):  # Pelican's PaginationRule, a named tuple, too
        return tuple(as_literal(item) for item in value)
    if isinstance(value, set | frozenset):
        return {as_literal(item) for item in value}
    raise NotALiteral(
        f"it is a {type(value).__name__}, which is not a value a settings file can be written with"
    )


def plugin_name(plugin):
    """A PLUGINS entry by name: "sitemap", "pelican_jupyter.markup"."""
    if isinstance(plugin, str):
        return plugin
    if isinstance(plugin, StandIn):
        return plugin.stand_in_for
    return getattr(plugin, "__name__", type(plugin).__qualname__)


def written(settings):
    """({name: literal source}, {name: why it is unreadable}) of a settings dict."""
    values, unreadable = {}, {}
    for name, value in settings.items():
        if name == "PLUGINS" and isinstance(value, list | tuple):
            value = [plugin_name(plugin) for plugin in value]
        try:
            values[name] = repr(as_literal(value))
        except NotALiteral as why:
            unreadable[name] = str(why)
    return values, unreadable


class Warnings(logging.Handler):
    """What Pelican logs while it reads the settings: deprecated names it moved, values it replaced."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(" ".join(record.getMessage().split()))


def read_file(path, simple_theme):
    """What one settings file gives: its own settings and every setting, or the error that stopped it."""
    from pelican.settings import get_settings_from_file, read_settings

    warnings = Warnings()
    logging.getLogger().addHandler(warnings)
    try:
        own = get_settings_from_file(str(path))
        theme = own.get("THEME")
        # A theme Pelican would not find stops read_settings; the file's own THEME is in `own`.
        override = {} if theme and os.path.isdir(path.parent / str(theme)) else {"THEME": simple_theme}
        every = read_settings(str(path), override=override)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    finally:
        logging.getLogger().removeHandler(warnings)
    own_values, own_unreadable = written(own)
    values, unreadable = written(every)
    return {
        "own": own_values,
        "values": values,
        "unreadable": {**unreadable, **own_unreadable},
        "warnings": warnings.messages,
    }


def main(blog_folder, settings_files):
    from pelican.settings import DEFAULT_THEME, read_settings

    simple_theme = str(Path(DEFAULT_THEME).with_name("simple"))
    blog_folder = Path(blog_folder).resolve()
    defaults, _ = written(read_settings(None, override={"PATH": str(blog_folder), "THEME": simple_theme}))
    finder = StandInFinder(blog_folder)
    sys.path.insert(0, str(blog_folder))
    sys.meta_path.insert(0, finder)
    sys.addaudithook(refuse_side_effects)
    result = {"files": {}, "defaults": defaults}
    real_output = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # what a settings file prints is not the answer
        for name in settings_files:
            path = Path(name).resolve()
            result["files"][name] = read_file(path, simple_theme)
    result["stood_in"] = list(dict.fromkeys(finder.stood_in))
    real_output.write(json.dumps(result))
    real_output.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
