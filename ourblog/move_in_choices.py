"""Which of an old site's settings `invoke move-in` takes over, and which old addresses lead elsewhere.

Taken over: every setting that decides what the old site published and where (the groups below), with
the old site's value, or Pelican's default where its files do not set one. An author who copies only the
settings their file spells out gets this project's defaults for the rest, and their tag, category,
author and pagination pages move: Pelican's defaults are what the old site used.

Not taken over: presentation and machinery (THEME, PLUGINS, TYPOGRIFY, JINJA_*, CACHE_*, OUTPUT_PATH,
RELATIVE_URLS…), which this project has of its own; ourblog/move_in_findings.py reports what the old
site used of them. Where this project still writes fewer pages than the old site (a page of the old
theme's own, such as a `sitemap` direct template or a TEMPLATE_PAGES page; drafts, which Pelican
published under drafts/ and this project never does), FORMER_ADDRESSES leads each old address to the
nearest page (plugins/redirects.py). Feeds keep their old addresses, since feed readers follow no
redirect page: their settings go to publishconf.py.
"""

import importlib.metadata
import importlib.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pelican.contents import Article, Page
from pelican.readers import Readers
from pelican.settings import get_settings_from_module

from ourblog import settings as project_settings
from plugins.addresses import theme_pages
from plugins.site_checks import ADDRESS_KINDS

PELICANS_DEFAULT = "Pelican's default: the old file does not set it"
FEED = re.compile(r"(?:\w+_)?FEED(?:_ALL)?_(?:ATOM|RSS)(?:_URL)?")
NOTEBOOK_READERS = {"jupyter", "ipynb"}  # plugins whose users' notebooks were posts
# The settings taken over as they are, by group, each group with its comment in pelicanconf.py. A setting
# the old files do not set is written with Pelican's default when Pelican has one, else left out.
GROUPS = {
    "The site: its name, author, language and time zone, and how dates are written.": [
        "SITENAME", "SITESUBTITLE", "AUTHOR", "TIMEZONE", "DEFAULT_LANG", "LOCALE",
        "DEFAULT_DATE_FORMAT", "DATE_FORMATS",
    ],
    "Which files are posts, pages, and files copied as they are (folders inside content/).": [
        "ARTICLE_PATHS", "ARTICLE_EXCLUDES", "PAGE_PATHS", "PAGE_EXCLUDES", "STATIC_PATHS",
        "STATIC_EXCLUDES", "STATIC_EXCLUDE_SOURCES", "IGNORE_FILES", "READERS", "OUTPUT_SOURCES",
        "OUTPUT_SOURCES_EXTENSION", "WITH_FUTURE_DATES", "CODE_DIR", "NOTEBOOK_DIR",
        "IPYNB_MARKUP_USE_FIRST_CELL", "IPYNB_USE_METACELL",
    ],
    "What a post's file name, folder and the defaults say of it: its date, category, slug, language.": [
        "FILENAME_METADATA", "PATH_METADATA", "EXTRA_PATH_METADATA", "USE_FOLDER_AS_CATEGORY",
        "DEFAULT_CATEGORY", "DEFAULT_DATE", "DEFAULT_METADATA", "FORMATTED_FIELDS", "SLUGIFY_SOURCE",
        "SLUG_REGEX_SUBSTITUTIONS", "TAG_REGEX_SUBSTITUTIONS", "CATEGORY_REGEX_SUBSTITUTIONS",
        "AUTHOR_REGEX_SUBSTITUTIONS", "SLUGIFY_PRESERVE_CASE", "SLUGIFY_USE_UNICODE",
        "ARTICLE_TRANSLATION_ID", "PAGE_TRANSLATION_ID", "ARTICLE_ORDER_BY", "PAGE_ORDER_BY",
        "INTRASITE_LINK_REGEX",
    ],
    "Listings: how many posts a page, and the addresses of page 2 onwards.": [
        "DEFAULT_PAGINATION", "DEFAULT_ORPHANS", "PAGINATION_PATTERNS", "PAGINATED_TEMPLATES",
    ],
    "The menu's own links.": ["MENUITEMS"],
}  # fmt: skip
ADDRESSES = "Where each kind of page lives, as on the old site: each URL with its SAVE_AS."
READING = (
    "How posts are read: the old site's Markdown extensions beside this project's, its docutils settings."
)
FORMER = "The old site's pages this project does not write, each leading to the nearest page it does."
FEEDS = "The old site's feeds, at the addresses subscribers' feed readers poll: they follow no redirect page."
PUBLISHED = "where the old site was published: its SITEURL"
# The page of this theme nearest to a page of the old theme's own, by the old direct template's name.
NEAREST_PAGE = {"sitemap": "archives", "archives": "archives", "tags": "tags", "categories": "categories"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}


@dataclass
class Setting:
    name: str
    value: object
    note: str = ""  # the trailing comment: PELICANS_DEFAULT, or why the value is not the old one


@dataclass
class Group:
    comment: str
    settings: list


@dataclass
class Takeover:
    """What move-in writes: pelicanconf.py's groups, publishconf.py's, and why each former address leads on."""

    local: list
    published: list
    former_addresses: dict = field(default_factory=dict)  # old address -> new address ("" the home page)
    former_reasons: dict = field(default_factory=dict)  # old address -> what it was, in words
    missing_extensions: list = field(default_factory=list)  # Markdown extensions not installed here
    unread_drafts: list = field(default_factory=list)  # drafts whose old address could not be worked out

    def settings(self):
        """{name: value} of everything taken over."""
        return {item.name: item.value for group in self.local + self.published for item in group.settings}

    def pelicans_defaults(self):
        return [
            item.name
            for group in self.local + self.published
            for item in group.settings
            if item.note == PELICANS_DEFAULT
        ]


def project_defaults():
    return get_settings_from_module(project_settings)


def taken(old, name):
    """A setting as the old site published it, or None when neither its files nor Pelican set it."""
    if name not in old.published:
        return None
    return Setting(name, old.published[name], PELICANS_DEFAULT if old.is_default(name) else "")


def timezone(old):
    # Pelican assumes UTC where TIMEZONE is not set (and says so): so did the old site's dates.
    if "TIMEZONE" in old.published:
        return taken(old, "TIMEZONE")
    return Setting("TIMEZONE", "UTC", PELICANS_DEFAULT)


def excludes(old, kind, other):
    """ARTICLE_EXCLUDES or PAGE_EXCLUDES without the other kind's folders, which Pelican adds itself."""
    own = old.own.get(f"{kind}_EXCLUDES", [])
    added = old.published.get(f"{other}_PATHS", [])
    value = [path for path in old.published[f"{kind}_EXCLUDES"] if path not in added or path in own]
    return Setting(f"{kind}_EXCLUDES", value, "" if f"{kind}_EXCLUDES" in old.own else PELICANS_DEFAULT)


def group_settings(old, names, content_folder):
    settings = []
    for name in names:
        if name == "TIMEZONE":
            item = timezone(old)
        elif name == "ARTICLE_EXCLUDES":
            item = excludes(old, "ARTICLE", "PAGE")
        elif name == "PAGE_EXCLUDES":
            item = excludes(old, "PAGE", "ARTICLE")
        elif name == "LOCALE" and name not in old.own:
            item = None  # Pelican's default is the machine's own locale: this machine's, as before
        else:
            item = taken(old, name)
        if item:
            settings.append(item)
    return exclude_embedded_notebooks(old, settings, content_folder)


def exclude_embedded_notebooks(old, settings, content_folder):
    """Notebooks here are posts; on an old site without a notebook reader, those of NOTEBOOK_DIR were only
    shown by {% notebook %}: they stay out of the posts and pages."""
    folder = old.published.get("NOTEBOOK_DIR", "notebooks")
    if NOTEBOOK_READERS & {short for _, short in old.plugins()}:
        return settings
    if not any((Path(content_folder) / folder).glob("**/*.ipynb")):
        return settings
    for item in settings:
        if item.name in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES") and folder not in item.value:
            item.value = [*item.value, folder]
            item.note = f"{folder} added: the old site embedded its notebooks, never made them posts"
    return settings


def address_settings(old):
    """Every URL and SAVE_AS of the old site's kinds of page, and of its direct templates this theme has."""
    names = [f"{kind}_{part}" for kind in (*ADDRESS_KINDS, "STATIC") for part in ("URL", "SAVE_AS")]
    settings = [taken(old, name) for name in [*names, "INDEX_SAVE_AS", "INDEX_URL"]]
    ours = project_defaults()["DIRECT_TEMPLATES"]
    for template in old.published["DIRECT_TEMPLATES"]:
        if template in ours and template != "index":
            name = template.upper()
            save_as = taken(old, f"{name}_SAVE_AS") or Setting(
                f"{name}_SAVE_AS", f"{template}.html", PELICANS_DEFAULT
            )
            settings += [save_as, taken(old, f"{name}_URL")]
    return [item for item in settings if item]


def extension_module(name):
    """The module a Markdown extension name stands for: "toc" -> "markdown.extensions.toc"."""
    found = importlib.metadata.entry_points(group="markdown.extensions", name=name)
    if found:
        return next(iter(found)).value.partition(":")[0]
    return name.partition(":")[0]


def is_installed(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def merged_markdown(old, takeover):
    """This project's MARKDOWN, with the old site's installed extensions beside its own; None if it adds none."""
    ours = project_defaults()["MARKDOWN"]
    old_markdown = old.published.get("MARKDOWN") or {}
    configs = dict(old_markdown.get("extension_configs", {}))
    names = [name for name in old_markdown.get("extensions", []) if isinstance(name, str)]
    added = {}
    ours_by_module = {extension_module(name) for name in ours["extension_configs"]}
    # Pelican adds the meta extension itself, as its reader needs it.
    for name in dict.fromkeys([*configs, *names]):
        module = extension_module(name)
        if module in ours_by_module or module == "markdown.extensions.meta":
            continue  # this project's configuration of it stands: its theme relies on it
        if is_installed(module):
            added[name] = configs.get(name, {})
        else:
            takeover.missing_extensions.append(name)
    if not added:
        return None
    return {**ours, "extension_configs": {**ours["extension_configs"], **added}}


def reading_group(old, takeover):
    settings = []
    markdown = merged_markdown(old, takeover)
    if markdown:
        settings.append(Setting("MARKDOWN", markdown))
    docutils = old.published.get("DOCUTILS_SETTINGS") or {}
    if docutils:
        # This project's math and section titles stand (plugins/mathml.py, plugins/rest_translator.py).
        settings.append(Setting("DOCUTILS_SETTINGS", {**docutils, **project_defaults()["DOCUTILS_SETTINGS"]}))
    if old.published.get("PYGMENTS_RST_OPTIONS"):
        settings.append(taken(old, "PYGMENTS_RST_OPTIONS"))
    return Group(READING, settings)


def published_siteurl(old):
    """The old site's address, if it is one on the web (not the local server's)."""
    siteurl = str(old.published.get("SITEURL") or "").rstrip("/")
    parts = urlsplit(siteurl)
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname not in LOCAL_HOSTS:
        return siteurl
    return ""


def feed_group(old):
    """Every feed the old site published, at its address, and how many entries each held."""
    settings = [
        taken(old, name) for name in sorted(old.published) if FEED.fullmatch(name) and old.published[name]
    ]
    settings.append(taken(old, "FEED_MAX_ITEMS"))
    for name in ("FEED_DOMAIN", "FEED_APPEND_REF", "RSS_FEED_SUMMARY_ONLY"):
        if name in old.own:
            settings.append(taken(old, name))
    # A FEED_DOMAIN that is the old SITEURL is Pelican's own default: it follows SITEURL, as it should here.
    siteurl = str(old.published.get("SITEURL", "")).rstrip("/")
    settings = [
        item
        for item in settings
        if not (item and item.name == "FEED_DOMAIN" and item.value.rstrip("/") == siteurl)
    ]
    return Group(FEEDS, [item for item in settings if item])


def choose(old, content_folder):
    """The Takeover for an old site whose content is now in `content_folder`."""
    takeover = Takeover(local=[], published=[])
    groups = [Group(comment, group_settings(old, names, content_folder)) for comment, names in GROUPS.items()]
    groups[0].settings.append(Setting("PUBLISHED_SITEURL", published_siteurl(old), PUBLISHED))
    groups.insert(3, Group(ADDRESSES, address_settings(old)))
    groups.append(reading_group(old, takeover))
    takeover.local = [group for group in groups if group.settings]
    takeover.published = [feed_group(old)]
    lead_former_addresses(old, content_folder, takeover)
    if takeover.former_addresses:
        takeover.local.append(Group(FORMER, [Setting("FORMER_ADDRESSES", takeover.former_addresses)]))
    return takeover


def new_address_of(template, takeover):
    """Where this site writes one of its theme's pages, with the settings taken over."""
    settings = {**project_defaults(), **takeover.settings()}
    page = theme_pages(settings).get(template)
    return page.url if page else ""


def lead_former_addresses(old, content_folder, takeover):
    """FORMER_ADDRESSES: the old theme's own pages, its template pages, its drafts, its language subsites."""
    ours = project_defaults()["DIRECT_TEMPLATES"]
    for template in old.published["DIRECT_TEMPLATES"]:
        save_as = old.published.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        if template not in ours and save_as:
            address = old.published.get(f"{template.upper()}_URL", save_as)
            lead(takeover, address, new_address_of(NEAREST_PAGE.get(template, "index"), takeover),
                 f"the old theme's {template} page")  # fmt: skip
    for source, destination in (old.published.get("TEMPLATE_PAGES") or {}).items():
        lead(takeover, destination, "", f"a page of the old theme's own ({source})")
    for address in draft_addresses(old, content_folder, takeover):
        lead(takeover, address, "", "a draft, which this project never publishes")
    if "i18n_subsites" in {short for _, short in old.plugins()}:
        for language in old.published.get("I18N_SUBSITES") or {}:
            lead(takeover, f"{language}/", "", f"the home page of the {language} subsite (i18n_subsites)")


def lead(takeover, address, destination, reason):
    address = str(address).lstrip("/")
    if address and address not in takeover.former_addresses:
        takeover.former_addresses[address] = destination
        takeover.former_reasons[address] = reason


def draft_candidates(old, content_folder):
    """The files that may be drafts: those saying so, or every one when the defaults or dates may make them."""
    status = str((old.published.get("DEFAULT_METADATA") or {}).get("status", "")).lower()
    everything = status == "draft" or not old.published.get("WITH_FUTURE_DATES", True)
    for path in sorted(Path(content_folder).rglob("*")):
        if path.suffix.lower() not in (".md", ".markdown", ".mkd", ".mdown", ".rst", ".html", ".htm"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if everything or re.search(r"^:?status:\s*draft\s*$", text, re.IGNORECASE | re.MULTILINE):
            yield path.relative_to(content_folder).as_posix()


def draft_addresses(old, content_folder, takeover):
    """Where plain Pelican published each draft, read with Pelican's own readers and the old settings."""
    candidates = list(draft_candidates(old, content_folder))
    if not candidates:
        return []
    settings = {**old.published, "PATH": str(content_folder)}
    settings["MARKDOWN"] = merged_markdown(old, Takeover([], [])) or project_defaults()["MARKDOWN"]
    readers = Readers(settings)
    page_folders = [folder.rstrip("/") + "/" for folder in settings["PAGE_PATHS"] if folder]
    addresses = []
    for path in candidates:
        kind = Page if path.startswith(tuple(page_folders)) else Article
        try:
            content = readers.read_file(str(content_folder), path, content_class=kind)
        except Exception:  # a file Pelican cannot read is a problem the build names
            takeover.unread_drafts.append(path)
            continue
        if content.status == "draft" and content.save_as:
            addresses.append(content.url or content.save_as.replace(os.sep, "/"))
    return addresses
