"""The address of every page: the one place templates, feeds, the sitemap, redirects and the preview ask.

A page written to "posts/x/index.html" is served at "posts/x/" (`address_of`), and an address names the
file a static host answers it with (`output_file_of`). The theme's own pages (archives, tags, search…,
DIRECT_TEMPLATES) get their address from their settings: ARCHIVES_URL, else ARCHIVES_SAVE_AS without its
"index.html" (`theme_pages`); templates link them through THEME_URLS, never spelling an address out, so the
links follow whatever URL settings the author brings, and a page the site does not write (an empty
SAVE_AS) is not linked. Where a post or page of the author's is written at a theme page's place (their own
search page, their own 404.html), theirs wins: the theme's page gives way (plugins/site_checks.py).
"""

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pelican import signals


@dataclass(frozen=True)
class ThemePage:
    name: str  # the template: "archives"
    save_as: str  # "archives/index.html"
    url: str  # "archives/"


def address_of(output_file):
    """The address a page is served at, relative to the site: "posts/x/index.html" -> "posts/x/"."""
    return output_file.removesuffix("index.html")


def output_file_of(address):
    """The file a static host answers an address with: "/posts/x/" -> "posts/x/index.html"."""
    path = unquote(urlsplit(address).path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def theme_pages(settings):
    """{name: ThemePage} of every page the theme writes itself, in DIRECT_TEMPLATES' order."""
    pages = {}
    for name in settings["DIRECT_TEMPLATES"]:
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            url = settings.get(f"{name.upper()}_URL") or address_of(save_as)
            pages[name] = ThemePage(name, posixpath.normpath(save_as), url)
    return pages


def home_url(settings):
    """The absolute (or, locally, root-relative) address of the home page, wherever INDEX_SAVE_AS puts it."""
    return f"{settings['SITEURL']}/{address_of(settings.get('INDEX_SAVE_AS', 'index.html'))}"


def theme_urls(settings):
    return {name: page.url for name, page in theme_pages(settings).items()}


def add_to_templates(pelican):
    settings = pelican.settings
    settings["THEME_URLS"] = theme_urls(settings)
    # Pelican names each page it writes from a direct template after its file: "index" for index.html.
    settings["INDEX_PAGE_NAME"] = posixpath.splitext(settings.get("INDEX_SAVE_AS", "index.html"))[0]
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), "address": address_of}


def register():
    signals.initialized.connect(add_to_templates)
