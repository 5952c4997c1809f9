"""Checks across the whole site: what one file cannot know about the others, and the settings.

- Address settings that disagree: a URL setting and its SAVE_AS that do not name the same place
  (ARTICLE_URL = "{slug}.html" beside ARTICLE_SAVE_AS = "posts/{slug}/index.html"), which would break every
  link to those pages: one line naming the two settings.
- Two files written to one place. A file written at the place of one of the theme's own pages (an
  author's own search page or 404.html) wins: the theme's page gives way, with a note.
- A post asking for a template the theme lacks (`Template: gallery`): named with the file that asks.
- A date in a file name (FILENAME_METADATA) that is not a date: it blames that file.
- Files in the content folder that no reader reads: listed as notes.
- Feeds, a sitemap or cards asked for without a SITEURL: left out, with a note (only the publish build
  has the site's address).

Each problem goes to plugins/problems.py, which reports them all at the end. Where the build can go on
in spite of one (a missing template: the default one is used), it does, to find the rest. The links of
the written site are checked by plugins/link_check.py.
"""

import fnmatch
import os
import posixpath
import re
import string
from datetime import datetime

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator, PelicanTemplateNotFound
from pelican.utils import get_date

from plugins import addresses, notebooks, problems
from plugins.public import written_content

# The kinds of page Pelican names with a URL setting and a SAVE_AS setting, each "KIND_URL"/"KIND_SAVE_AS".
ADDRESS_KINDS = (
    "ARTICLE",
    "ARTICLE_LANG",
    "DRAFT",
    "DRAFT_LANG",
    "PAGE",
    "PAGE_LANG",
    "DRAFT_PAGE",
    "DRAFT_PAGE_LANG",
    "CATEGORY",
    "TAG",
    "AUTHOR",
    "SERIES",
    "YEAR_ARCHIVE",
    "MONTH_ARCHIVE",
    "DAY_ARCHIVE",
)
# The settings naming the files each generator reads, as its generate_context names them.
SOURCES = {
    ArticlesGenerator: ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
    PagesGenerator: ("PAGE_PATHS", "PAGE_EXCLUDES"),
}
SAMPLE_DATE = datetime(2024, 5, 17, 9, 30)


class SampleValue(str):
    """Stands for any field an address setting names: "x", whatever format it asks for."""

    def __format__(self, spec):
        return str(self)


class SampleFields(dict):
    def __missing__(self, key):
        return SAMPLE_DATE if key == "date" else SampleValue("x")


def sample_address(pattern):
    """An address setting with every field filled in: "{date:%Y}/{slug}.html" -> "2024/x.html"."""
    return string.Formatter().vformat(pattern, (), SampleFields())


def places_agree(url, save_as):
    """Whether a page written to `save_as` is what a static host answers at `url`."""
    if url == save_as:
        return True
    if save_as.endswith("index.html"):
        folder = save_as.removesuffix("index.html")
        return url in (folder, folder.rstrip("/"))
    # Hosts answer an address without an extension with the .html file of that name.
    return save_as.endswith(".html") and url == save_as.removesuffix(".html")


def check_address_settings(settings):
    """Each URL setting names the place its SAVE_AS writes to; one line for each pair that does not."""
    pairs = [(f"{kind}_URL", f"{kind}_SAVE_AS") for kind in ADDRESS_KINDS]
    pairs += [(f"{name.upper()}_URL", f"{name.upper()}_SAVE_AS") for name in settings["DIRECT_TEMPLATES"]]
    disagreeing = False
    for url_setting, save_as_setting in pairs:
        url, save_as = settings.get(url_setting), settings.get(save_as_setting)
        if not (url and save_as):
            continue  # no page written, or its address taken from where it is written
        try:
            agree = places_agree(sample_address(url), sample_address(save_as))
        except (ValueError, IndexError):
            problems.report("", f'{url_setting}, "{url}", is not an address Pelican can fill in.')
            continue
        if not agree:
            disagreeing = True
            problems.report(
                "",
                f'{url_setting} ("{url}") and {save_as_setting} ("{save_as}") disagree: pages are written to '
                f"{sample_address(save_as)} and linked as {sample_address(url)}, so every link to them is "
                f"broken. Set both (an old blog's Pelican settings: {save_as_setting} = "
                f'"{url if url.endswith(".html") else url.rstrip("/") + "/index.html"}").',
            )
    for number, url, save_as in settings.get("PAGINATION_PATTERNS", ()):
        if not places_agree(sample_address(url), sample_address(save_as)):
            disagreeing = True
            problems.report(
                "",
                f'PAGINATION_PATTERNS: page {number}\'s address "{url}" and file "{save_as}" disagree: '
                "give each pattern an address and a file of the same place.",
            )
    return disagreeing


def check_output_places(generators):
    """No two files are written to one place; a theme's page gives its place to the author's file."""
    settings = generators[0].settings
    theme = {page.save_as: page for page in addresses.theme_pages(settings).values()}
    templates = {
        posixpath.normpath(save_as): name for name, save_as in settings.get("TEMPLATE_PAGES", {}).items()
    }
    taken = {place: f"the template page {name}" for place, name in templates.items()}
    for _, item in sorted(written_content(generators), key=lambda pair: pair[1].source_path):
        if not item.save_as:
            continue
        place = posixpath.normpath(item.save_as)
        if place in theme and place not in taken:
            give_way(theme[place], item, settings)
        if place not in taken:
            taken[place] = problems.shown(item.source_path)
            continue
        problems.report(
            item.source_path,
            f"its page would be written to {place}, the place of {taken[place]}: "
            "give it another Slug (or set its own save_as).",
            near="Slug:",
        )
        # Written aside, so the build goes on to find any other problem; it fails in the end.
        item.override_save_as = item.override_url = f"_problems/{item.get_relative_source_path()}.html"


def give_way(page, item, settings):
    """The theme's own page is not written where the author's file is: theirs is the page at that address."""
    settings["DIRECT_TEMPLATES"] = [name for name in settings["DIRECT_TEMPLATES"] if name != page.name]
    problems.report(
        item.source_path,
        f"is written to {page.save_as}, where the theme's {page.name} page would be: yours is the page there.",
        note=True,
    )


def check_templates(generators):
    """A template asked for (`Template: gallery`) must be in the theme; until it is, the default is used."""
    for generator, item in written_content(generators):
        try:
            generator.get_template(item.template)
        except PelicanTemplateNotFound:
            folders = ", ".join(problems.shown(path) for path in template_folders(generator.settings))
            problems.report(
                item.source_path,
                f'asks for Template "{item.template}", but the theme has no {item.template}.html '
                f"(in {folders}): add it, or remove the Template line.",
                near="emplate:",
            )
            item.template = item.default_template


def template_folders(settings):
    return [os.path.join(settings["THEME"], "templates"), *settings.get("THEME_TEMPLATES_OVERRIDES", [])]


def check_file_name_dates(generator):
    """A date Pelican takes from a file name must be a date: say so, naming the file."""
    pattern = generator.settings.get("FILENAME_METADATA")
    if not pattern:
        return
    paths, excludes = SOURCES[type(generator)]
    settings = generator.settings
    for path in generator.get_files(settings[paths], exclude=settings[excludes]):
        found = re.match(pattern, os.path.splitext(os.path.basename(path))[0])
        date = found and found.groupdict().get("date")
        if date:
            try:
                get_date(date.replace("_", " "))
            except ValueError:
                problems.report(
                    os.path.join(generator.path, path),
                    f'its file name holds "{date}", which Pelican reads as its date but is not a date: '
                    "rename the file, or give it a Date line.",
                )


def note_unread_files(generators):
    """Files in the content folder that no generator took: a file of a kind no reader reads, say."""
    settings = generators[0].settings
    context = generators[0].context
    taken = set(context["generated_content"]) | set(context["static_content"])
    root = settings["PATH"]
    ignored = [*settings["IGNORE_FILES"], ".*"]
    output = os.path.realpath(settings["OUTPUT_PATH"])
    readable = {
        extension
        for generator in generators
        if hasattr(generator, "readers")
        for extension in generator.readers.extensions
    }
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name
            for name in subfolders
            if not any(fnmatch.fnmatch(name, pattern) for pattern in ignored)
            and os.path.realpath(os.path.join(folder, name)) != output
        ]
        for name in files:
            relative = posixpath.normpath(
                os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            )
            if relative in taken or any(fnmatch.fnmatch(name, pattern) for pattern in ignored):
                continue
            if name.endswith(notebooks.SIDE_FILE_EXTENSIONS):  # a notebook's metadata, read with it
                continue
            extension = os.path.splitext(name)[1].lstrip(".").lower()
            why = (
                f"no reader reads .{extension} files"
                if extension not in readable
                else "it is in neither ARTICLE_PATHS, PAGE_PATHS nor STATIC_PATHS"
            )
            problems.report(
                os.path.join(folder, name),
                f"is not on the site: {why}. To copy it as it is, add its folder to STATIC_PATHS.",
                note=True,
            )


def needs_the_site_address(name):
    """Whether a setting names a file whose URLs must be absolute: a feed, the sitemap, the cards."""
    return bool(re.fullmatch(r"\w*FEED(_\w+)?_(ATOM|RSS|JSON)", name)) or name in (
        "SITEMAP_SAVE_AS",
        "SOCIAL_CARDS_PATH",
    )


def check_site_address(settings, context):
    """Feeds and a sitemap need the site's address: without one they are left out, and a note says so."""
    wanted = sorted(name for name, value in settings.items() if value and needs_the_site_address(name))
    if wanted and not settings["SITEURL"]:
        problems.report(
            "",
            f"{', '.join(wanted)} need the site's address, which this build has not (SITEURL is empty): "
            "they are left out. The publish build writes them (SITEURL=https://example.org/blog invoke preview).",
            note=True,
        )
        for name in wanted:
            settings[name] = context[name] = None


def check_settings(pelican):
    """Before anything is read: settings that would break every link to a kind of page."""
    pelican.settings["ADDRESS_SETTINGS_DISAGREE"] = check_address_settings(pelican.settings)


def check_site(generators):
    check_site_address(generators[0].settings, generators[0].context)
    check_output_places(generators)
    check_templates(generators)
    note_unread_files(generators)


def register():
    signals.initialized.connect(check_settings)
    signals.article_generator_init.connect(check_file_name_dates)
    signals.page_generator_init.connect(check_file_name_dates)
    signals.all_generators_finalized.connect(check_site)
