"""Where a site's sources are, and what a save of one of them asks of the live preview.

Every save is followed by a full build from Pelican's content cache; what differs is what comes first
and whether the cache can be trusted:

- a post or a template: a first look (first_look.py) renders the shown pages at once;
- a file of the theme's static folders (a stylesheet): copied into the output at once, and reloaded;
- the settings file, or the project's Python code (plugins/, ourblog/): the full build reads every
  post afresh, since the cache keeps posts as the settings and plugins of its build made them; its new
  process runs the code as it is now on disk;
- a file in the content folder that a post reads as it is read (an image it measures, a file of code
  it includes, a notebook it embeds, the side file of a notebook): read afresh too, since the cache
  holds the post as it was read with the file as it was. A post's own file, and a post that another
  links to with `{filename}` (resolved as the page is rendered, never kept in the cache), need no more
  than the cache, which reads again what changed.
"""

from dataclasses import dataclass, field
from pathlib import Path

# Posts in these formats are linked to ({filename}), never read into another post.
TEXT_POSTS = {"md", "markdown", "mkd", "mdown", "rst", "htm", "html"}
# The project's own package: its settings module is the base of the settings file.
MACHINERY = Path(__file__).resolve().parent.name


@dataclass
class Change:
    """What a batch of saved files asks for."""

    read_afresh: bool = False  # the settings, code, or a file posts read: the cache cannot be trusted
    first_look: bool = False  # a post or a template: the shown pages can be rendered at once
    settings: bool = False  # the settings file itself: the main process reads it again
    theme_files: list = field(default_factory=list)  # (source path, output file): copied at once


class SiteSources:
    """The folders of a site's sources, and what each kind of save asks for."""

    def __init__(self, settings_file, settings, post_extensions=()):
        self.settings_file = Path(settings_file).resolve()
        self.project = self.settings_file.parent
        self.settings = settings
        self.post_extensions = set(post_extensions)  # as the last build's readers read them
        self.content = Path(settings["PATH"]).resolve()
        self.theme = Path(settings["THEME"]).resolve()

    def folders(self):
        """The folders to watch (the settings file is watched on its own)."""
        return [self.content, self.theme, *self.code_folders()]

    def code_folders(self):
        """The project's packages and modules the build imports: those PLUGINS names, and the machinery."""
        names = {str(name).split(".")[0] for name in self.settings["PLUGINS"]} | {MACHINERY}
        places = [self.project, *(self.project / folder for folder in self.settings["PLUGIN_PATHS"])]
        return sorted(
            {place / name for place in places for name in names if (place / name).is_dir()}
            | {(place / name).with_suffix(".py") for place in places for name in names}
        )

    def template_folders(self):
        return [
            self.theme / "templates",
            *(Path(folder).resolve() for folder in self.settings["THEME_TEMPLATES_OVERRIDES"]),
        ]

    def what_changed(self, paths):
        """The Change a batch of saved paths asks for."""
        change = Change()
        for path in (Path(path).resolve() for path in paths):
            if path == self.settings_file:
                change.settings = change.read_afresh = True
            elif path.suffix == ".py" and any(is_in(path, place) for place in self.code_folders()):
                change.read_afresh = True
            elif is_in(path, self.content):
                change.first_look |= self.is_post(path)
                change.read_afresh |= self.is_read_into_a_post(path)
            elif any(is_in(path, folder) for folder in self.template_folders()):
                change.first_look = True
            else:
                change.theme_files += self.theme_file(path)
        return change

    def is_post(self, path):
        return path.suffix.lstrip(".") in self.post_extensions

    def is_read_into_a_post(self, path):
        """A content file that a post reads as it is read: one a post names, or one beside a post of its name."""
        if path.suffix.lstrip(".") in TEXT_POSTS:
            return False
        sources = [
            source
            for source in self.content.rglob("*")
            if self.is_post(source) and source != path and source.is_file()
        ]
        if any(source.with_suffix("") == path.with_suffix("") for source in sources):
            return True
        return any(path.name in source.read_text(encoding="utf-8", errors="replace") for source in sources)

    def theme_file(self, path):
        """[(path, output file)] for a file of the theme's static folders, as Pelican copies them; else []."""
        if not path.is_file():
            return []
        for static in self.settings["THEME_STATIC_PATHS"]:
            folder = self.theme / static
            if folder.is_dir() and is_in(path, folder):
                relative = path.relative_to(folder) if folder != path else Path(path.name)
                return [(path, (Path(self.settings["THEME_STATIC_DIR"]) / relative).as_posix())]
        return []


def is_in(path, place):
    """A path is the place (a file) or inside it (a folder)."""
    return path == place or path.is_relative_to(place)
