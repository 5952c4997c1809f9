"""Checks across the whole site: what one file cannot know about the others.

- Two files, or a file and one of the theme's own pages (search, archives…), written to one place.
- A post asking for a template the theme lacks (`Template: gallery`): named with the file that asks.
- A date in a file name (FILENAME_METADATA) that is not a date: it blames that file.
- Files in the content folder that no reader reads (an .ipynb without its plugin): listed as notes.
- Once the site is written, every internal link and #fragment in it must lead somewhere; a broken
  one is reported against the source file whose text holds it, else against the page (the theme).

Each problem goes to plugins/problems.py, which reports them all at the end. Where the build can go on
in spite of one (a missing template: the default one is used), it does, to find the rest.
"""

import fnmatch
import os
import posixpath
import re
from collections import defaultdict
from html import unescape
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator, PelicanTemplateNotFound
from pelican.utils import get_date

from plugins import problems

# Pelican's lists of what each generator writes, one page per item.
WRITTEN_LISTS = {
    ArticlesGenerator: (
        "articles",
        "translations",
        "hidden_articles",
        "hidden_translations",
        "drafts",
        "drafts_translations",
    ),
    PagesGenerator: (
        "pages",
        "translations",
        "hidden_pages",
        "hidden_translations",
        "draft_pages",
        "draft_translations",
    ),
}
# A start tag, and in it the attributes through which it links, or names a #fragment.
START_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
)
ATTRIBUTE = re.compile(
    r"""\s(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE
)
NOT_A_PAGE = ("mailto:", "tel:", "data:", "javascript:", "sms:")
LINK_PLACEHOLDER = re.compile(r"^\{\|?(?:filename|static|attach)\|?\}|^\|(?:filename|static|attach)\|")


def written_content(generators):
    """Every post and page the generators will write, with its generator."""
    for generator in generators:
        for kind, names in WRITTEN_LISTS.items():
            if isinstance(generator, kind):
                for name in names:
                    for item in getattr(generator, name, []):
                        yield generator, item


def theme_pages(settings):
    """The output files of the theme's own pages ("search" -> search/index.html), by template name."""
    pages = {}
    for name in settings["DIRECT_TEMPLATES"]:
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            pages[posixpath.normpath(save_as)] = name
    for name, save_as in settings.get("TEMPLATE_PAGES", {}).items():
        pages[posixpath.normpath(save_as)] = name
    return pages


def check_output_places(generators):
    """No two files, and no file and theme page, are written to one place."""
    settings = generators[0].settings
    taken = {place: f"the theme's {name} page" for place, name in theme_pages(settings).items()}
    for _, item in sorted(written_content(generators), key=lambda pair: pair[1].source_path):
        if not item.save_as:
            continue
        place = posixpath.normpath(item.save_as)
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
    paths, excludes = {
        ArticlesGenerator: ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
        PagesGenerator: ("PAGE_PATHS", "PAGE_EXCLUDES"),
    }[type(generator)]
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
    """Files in the content folder that no generator took: an .ipynb without its reader plugin, say."""
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
            extension = os.path.splitext(name)[1].lstrip(".").lower()
            why = (
                f"no reader reads .{extension} files"
                if extension not in readable
                else "it is in neither ARTICLE_PATHS, PAGE_PATHS nor STATIC_PATHS"
            )
            problems.report(
                os.path.join(folder, name),
                f"is not on the site: {why}. To publish it, add a plugin that reads it; "
                "to copy it as it is, add its folder to STATIC_PATHS.",
                note=True,
            )


# Settings naming files whose URLs must be absolute: without a SITEURL they cannot be written.
ABSOLUTE_OUTPUTS = (
    "FEED_ALL_ATOM",
    "FEED_ALL_RSS",
    "CATEGORY_FEED_ATOM",
    "TAG_FEED_ATOM",
    "FEED_ALL_JSON",
    "SITEMAP_SAVE_AS",
    "SOCIAL_CARDS_PATH",
)


def check_site_address(settings, context):
    """Feeds and a sitemap need the site's address; without one they are left out, and that is a problem."""
    wanted = [name for name in ABSOLUTE_OUTPUTS if settings.get(name)]
    if wanted and not settings["SITEURL"]:
        problems.report(
            "",
            f"SITEURL is empty, but {', '.join(wanted)} need the site's address: set SITEURL, "
            "as in SITEURL=https://example.org/blog pelican content -s publishconf.py.",
        )
        for name in wanted:
            settings[name] = context[name] = None


def check_site(generators):
    check_site_address(generators[0].settings, generators[0].context)
    check_output_places(generators)
    check_templates(generators)
    note_unread_files(generators)


# Output file (relative to the output folder) -> the posts and pages it shows, for blaming links.
shown_on_page = {}


def forget_pages(pelican):
    shown_on_page.clear()


def note_page(path, context):
    if not path.endswith(".html"):
        return
    shown = [context[name] for name in ("article", "page") if name in context]
    if not shown and "articles_page" in context:
        shown = list(context["articles_page"].object_list)
    shown_on_page[os.path.relpath(path, context["OUTPUT_PATH"])] = shown


class Page:
    """What an output page links to, and the ids its #fragments can name."""

    def __init__(self, html):
        self.links = []
        self.ids = set()
        for tag in START_TAG.findall(html):
            for name, *values in ATTRIBUTE.findall(tag):
                value = unescape("".join(values))
                if name.lower() in ("id", "name"):
                    self.ids.add(value)
                else:
                    self.links.append(value)


def site_path(link, page_path, siteurl):
    """The output file a link leads to, with its #fragment; None for a link off the site."""
    if siteurl and (link == siteurl or link.startswith(siteurl + "/")):
        link = link[len(siteurl) :] or "/"
        siteurl_path = ""
    else:
        siteurl_path = urlsplit(siteurl).path.rstrip("/")
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(NOT_A_PAGE):
        return None
    if not parts.path:
        return page_path, parts.fragment  # "#section": on this page
    if parts.path.startswith("/"):
        if not (parts.path + "/").startswith(siteurl_path + "/"):
            return None  # elsewhere on the same host
        path = parts.path[len(siteurl_path) :].lstrip("/")
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), parts.path))
    path = unquote(path)
    if path in ("", "."):
        path = "index.html"
    elif parts.path.endswith("/"):
        path = posixpath.join(path, "index.html")
    return path, parts.fragment


def check_links(pelican):
    """Every link and #fragment inside the written site leads to a file and an element of the site."""
    settings = pelican.settings
    output = pelican.output_path
    pages = {}
    for folder, _, files in os.walk(output):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as page:
                    pages[os.path.relpath(path, output).replace(os.sep, "/")] = Page(page.read())
    broken = defaultdict(set)  # (blamed source file or None, link, why) -> the pages it is on
    for page_path, page in pages.items():
        for link in page.links:
            target = site_path(link, page_path, settings["SITEURL"])
            why = target and what_is_missing(target, pages, output)
            if why:
                broken[(blame(page_path, link), link, why)].add(page_path)
    for (source, link, why), on_pages in sorted(
        broken.items(), key=lambda item: (str(item[0][0]), item[0][1:])
    ):
        report_broken_link(source, link, why, sorted(on_pages), settings)


def what_is_missing(target, pages, output):
    """None when a link's target is on the site; else "page", or "fragment" for a page without the id."""
    path, fragment = target
    if path in pages:
        if not fragment or fragment in pages[path].ids or unquote(fragment) in pages[path].ids:
            return None
        return "fragment"
    # A file, or "/posts/x" without its slash: servers answer with the folder's index.html.
    if os.path.isfile(os.path.join(output, path)) or os.path.isfile(os.path.join(output, path, "index.html")):
        return None
    return "page"


def blame(page_path, link):
    """The source file whose text holds a link, or None: then the theme's template made it."""
    for item in shown_on_page.get(page_path, []):
        html = item.content + getattr(item, "summary", "")
        if f'"{link}"' in html or f"'{link}'" in html or f"={link}" in html:
            return item.source_path
    return None


def report_broken_link(source, link, why, on_pages, settings):
    where = on_pages[0] + (f" and {len(on_pages) - 1} more" if len(on_pages) > 1 else "")
    if why == "fragment":
        fragment = urlsplit(link).fragment
        message = f"links to {link}, but no element of that page has the id {fragment}."
    elif LINK_PLACEHOLDER.match(link):
        target = link[LINK_PLACEHOLDER.match(link).end() :]
        base = settings["PATH"] if target.startswith("/") else os.path.dirname(source or "")
        missing = os.path.join(base, unquote(urlsplit(target).path).lstrip("/"))
        message = f"links to {link}, but {problems.shown(os.path.normpath(missing))} does not exist."
    else:
        message = f"links to {link}, which is not on the site (on {where}){static_advice(link, settings)}."
    if source is None:
        problems.report(
            os.path.join(settings["OUTPUT_PATH"], on_pages[0]), f"{message} The theme wrote this link."
        )
    else:
        problems.report(source, message, near=link)


def static_advice(link, settings):
    """ ": link it as {static}/images/a.png" when the content folder holds a file of that name."""
    name = posixpath.basename(unquote(urlsplit(link).path))
    if not name:
        return ""
    for folder, _, files in os.walk(settings["PATH"]):
        if name in files:
            relative = os.path.relpath(os.path.join(folder, name), settings["PATH"]).replace(os.sep, "/")
            return f": link it as {{static}}/{relative}"
    return ""


def register():
    if check_links not in problems.final_checks:
        problems.final_checks.append(check_links)
    signals.initialized.connect(forget_pages)
    signals.article_generator_init.connect(check_file_name_dates)
    signals.page_generator_init.connect(check_file_name_dates)
    signals.all_generators_finalized.connect(check_site)
    signals.content_written.connect(note_page)
