"""`invoke move-in OLD_BLOG`: an existing Pelican blog moved into this project, every address it had kept.

`move_in(old_blog, project, settings_file=None)`:

1. reads the old site's settings (ourblog/old_settings.py), running none of its plugins;
2. refuses, with one sentence, unless the project's content/ is empty or holds only the starter post,
   unchanged (tests/sites/seed/content/military-information-agreement.md);
3. copies the old content folder (its PATH) into content/ unchanged; when PATH is the blog's root,
   without its OUTPUT_PATH, CACHE_PATH, THEME, PLUGIN_PATHS, .git and the settings files themselves;
4. chooses the settings to take over (ourblog/move_in_choices.py) and writes pelicanconf.py and
   publishconf.py anew (ourblog/move_in_files.py);
5. finds what the posts use (ourblog/move_in_survey.py) and what of it this project honours
   (ourblog/move_in_findings.py), and returns a MovedIn, whose report() the task prints
   (ourblog/move_in_report.py).

It never needs the network. The tests belong to the project; the settings and content to the author.
"""

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ourblog import move_in_report
from ourblog.move_in_choices import Takeover, choose
from ourblog.move_in_files import write_settings_files
from ourblog.move_in_findings import Findings, findings
from ourblog.move_in_survey import Survey, survey
from ourblog.old_settings import OldSettings, SettingsUnreadable, read_old_settings
from plugins.problems import shown

STARTER_POST = Path("tests") / "sites" / "seed" / "content" / "military-information-agreement.md"
# Files operating systems leave in folders, which are nobody's posts.
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class MoveInRefused(Exception):
    """Nothing was moved in; the message says why, in one sentence."""


@dataclass
class MovedIn:
    """What move-in did: the old settings, what it took over, what the posts use."""

    origin: str  # the old blog's folder, as the author named it
    old: OldSettings
    takeover: Takeover
    survey: Survey
    findings: Findings
    copied: int  # files copied into content/
    formatted: bool  # whether ruff formatted the settings files

    def report(self):
        return move_in_report.report_text(self)


def move_in(old_blog, project, settings_file=None, today=None):
    """Move the Pelican blog in folder `old_blog` into the project at `project`; MoveInRefused if it cannot."""
    project, folder = Path(project).resolve(), Path(old_blog).resolve()
    if not folder.is_dir():
        raise MoveInRefused(f"{old_blog} is not a folder: name the folder of the old blog's pelicanconf.py.")
    if folder == project:
        raise MoveInRefused("That is this project's own folder: name the folder of the old blog.")
    content = project / "content"
    own_files = files_of_the_author(content, project / STARTER_POST)
    if own_files:
        more = f" and {len(own_files) - 1} more" if len(own_files) > 1 else ""
        raise MoveInRefused(
            f"content/ already holds {shown(own_files[0])}{more}, which move-in would mix with the old blog's: "
            "move them out of content/ first, or move the old blog into a fresh clone."
        )
    try:
        old = read_old_settings(folder, settings_file)
    except SettingsUnreadable as error:
        raise MoveInRefused(str(error)) from None
    source = Path(old.published["PATH"]).resolve()
    if source in (content, project):
        raise MoveInRefused("The old blog's PATH is this project's own content/: name another blog's folder.")
    shutil.rmtree(content, ignore_errors=True)
    copied = copy_content(source, content, old)
    takeover = choose(old, content)
    origin = Path(old_blog).as_posix()
    files = " and ".join(path.name for path in old.files)
    formatted = write_settings_files(project, takeover, origin, files, (today or date.today()).isoformat())
    found_in_posts = survey(content, old.published["FILENAME_METADATA"], old.published["PATH_METADATA"])
    found = findings(old, found_in_posts, set(takeover.settings()))
    return MovedIn(origin, old, takeover, found_in_posts, found, copied, formatted)


def files_of_the_author(content, starter_post):
    """The files of content/ other than the starter post, unchanged, and the system's own files."""
    if not content.is_dir():
        return []
    found = sorted(path for path in content.rglob("*") if path.is_file() and path.name not in SYSTEM_FILES)
    starter = content / starter_post.name
    if starter in found and starter_post.is_file() and starter.read_bytes() == starter_post.read_bytes():
        found.remove(starter)
    return found


def left_out_of_the_root(old):
    """What a blog's root holds beside its posts, when its PATH is the root: its output, cache, theme,
    plugins, git repository, and the settings files (written anew at the project's root)."""
    settings = old.published
    names = [settings.get("OUTPUT_PATH"), settings.get("CACHE_PATH"), old.own.get("THEME")]
    names += list(settings.get("PLUGIN_PATHS") or [])
    paths = {(old.folder / str(name)).resolve() for name in names if name}
    return paths | {old.folder / ".git", *old.files}


def copy_content(source, destination, old):
    """Copy the old content folder as it is; return how many files were copied."""
    left_out = left_out_of_the_root(old) if source == old.folder else set()

    def ignored(folder, names):
        return [
            name for name in names if (Path(folder) / name).resolve() in left_out or name == "__pycache__"
        ]

    shutil.copytree(source, destination, ignore=ignored, dirs_exist_ok=True)
    return sum(1 for path in destination.rglob("*") if path.is_file())
