"""The author's settings files as `invoke move-in` writes them anew: pelicanconf.py and publishconf.py.

pelicanconf.py: a docstring saying where the settings were moved in from, and when; the project's
settings (`from ourblog.settings import *`); then the old site's, in groups, each with its comment, each
value a Python literal, marked "Pelican's default: the old file does not set it" where so.
publishconf.py: as the project's own (pelicanconf.py beside it, then ourblog/publish_settings.py), then
the old site's feeds, then the address it is served from: SITEURL from the environment, else the old
site's (PUBLISHED_SITEURL, in pelicanconf.py). Both are then formatted by ruff, as the project's code is,
so that `ruff check` and `ruff format --check` pass.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

LINE_LENGTH = 110  # pyproject.toml's
DOCSTRING_WIDTH = 105
FORMAT_TIME_LIMIT = 60

PELICANCONF_STORY = (
    "Moved in from {origin} ({files}) on {date} by `invoke move-in`: the settings that decided what the "
    "old site published and where, so that every address readers, search engines and feed readers know "
    'keeps working. A value marked "Pelican\'s default" is one the old files did not set: Pelican gave '
    "the old site that value, and gives it to this one. The first line takes the project's settings "
    "(ourblog/settings.py: the theme, its plugins, how posts are read); everything after it is yours, and "
    "may set any of them again. publishconf.py takes everything here and adds what the published site needs."
)
PELICANCONF = '''"""Your site's settings: `make build`, `invoke build` and plain `pelican content` read this file.

{story}
"""

from ourblog.settings import *  # noqa: F403

{groups}

# Images without a description (alt text) are listed and counted at each build; True makes each of them a
# problem that fails the build, once the old posts' images are described.
REQUIRE_ALT_TEXT = False
'''

PUBLISHCONF_STORY = (
    "It takes every setting of pelicanconf.py, beside it, then what a published build adds (feeds, the "
    "sitemap, link previews: ourblog/publish_settings.py), then the old site's feeds, moved in from "
    "{origin} on {date} by `invoke move-in`, then the address the site is served from."
)
PUBLISHCONF = '''"""Settings of the published site: `invoke preview`, `publish` and `gh-pages` read this file.

{story}
"""

import os
from pathlib import Path

from pelican.settings import get_settings_from_file, get_settings_from_module

from ourblog import publish_settings

site = get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py")))
globals().update(site)
globals().update(get_settings_from_module(publish_settings))

{groups}

# Where the site is served, without a trailing slash; a subpath works too:
#   SITEURL=https://example.org/blog invoke publish
# Else PUBLISHED_SITEURL, in pelicanconf.py: the old site's address. Feeds, the sitemap and link previews
# need it: `publish` and `gh-pages` refuse to build without it, and `preview` builds for the local server.
SITEURL = os.environ.get("SITEURL", site["PUBLISHED_SITEURL"]).rstrip("/")
'''


def literal(value):
    """A value as the Python source of a literal, on one line (ruff lays it out)."""
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(key)}: {literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        items = ", ".join(literal(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(literal(item) for item in value)) + "}" if value else "set()"
    return repr(value)  # None, booleans and numbers


def string_literal(text):
    """A regular expression reads best raw: r"\\d{4}" rather than "\\\\d{4}"."""
    raw_is_exact = text.isprintable() and '"' not in text and not text.endswith("\\")
    if "\\" in text and raw_is_exact:
        return f'r"{text}"'
    if text.isprintable():  # in double quotes, as ruff writes strings
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(text)


def assignment(setting):
    """`NAME = value`, with its note as a trailing comment, or above it where the line would be too long."""
    line = f"{setting.name} = {literal(setting.value)}"
    if not setting.note:
        return line
    if len(line) + len(setting.note) + 4 <= LINE_LENGTH:
        return f"{line}  # {setting.note}"
    return f"# {setting.note}:\n{line}"


def groups_source(groups):
    return "\n\n".join(
        "\n".join([f"# {group.comment}", *(assignment(item) for item in group.settings)]) for group in groups
    )


def docstring_paragraph(text):
    # A path is one word: a long one goes on a line of its own rather than being broken.
    return textwrap.fill(text, width=DOCSTRING_WIDTH, break_long_words=False, break_on_hyphens=False)


def pelicanconf_source(takeover, origin, files, date):
    story = docstring_paragraph(PELICANCONF_STORY.format(origin=origin, files=files, date=date))
    return PELICANCONF.format(story=story, groups=groups_source(takeover.local))


def publishconf_source(takeover, origin, date):
    story = docstring_paragraph(PUBLISHCONF_STORY.format(origin=origin, date=date))
    return PUBLISHCONF.format(story=story, groups=groups_source(takeover.published))


def write_settings_files(project, takeover, origin, files, date):
    """Write pelicanconf.py and publishconf.py into the project; whether ruff could format them."""
    written = [Path(project) / "pelicanconf.py", Path(project) / "publishconf.py"]
    written[0].write_text(pelicanconf_source(takeover, origin, files, date), encoding="utf-8")
    written[1].write_text(publishconf_source(takeover, origin, date), encoding="utf-8")
    return formatted(project, written)


def formatted(project, paths):
    """Run `ruff format` (pinned in requirements.txt) on the files; False where it cannot run."""
    command = [sys.executable, "-m", "ruff", "format", "--quiet", *map(str, paths)]
    try:
        ran = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=FORMAT_TIME_LIMIT)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return ran.returncode == 0
