"""The project's settings: the theme, its plugins, how posts are read, and the addresses a site gets
unless its own settings give others.

pelicanconf.py, the author's file, starts with `from ourblog.settings import *` and then sets what is
the site's own: its name, time zone, addresses. Every setting here is a default: the author's file may
set any of them again. publish_settings.py holds what a published build adds (feeds, sitemap…).
"""

import logging
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

PATH = "content"
OUTPUT_PATH = "output"
CACHE_PATH = "cache"
THEME = str(PROJECT / "theme")
# Empty: links are root-relative ("/posts/…/"), which works from every page, the 404 page included, on
# the local preview server. publishconf.py sets the address the site is published at.
SITEURL = ""
# Where the site is published, once it is: publishconf.py's SITEURL, unless the environment gives
# another. The local build checks links to it, and aliases on it, as the site's own.
PUBLISHED_SITEURL = ""
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Pelican loads every installed plugin when PLUGINS is unset: name them. Ours are the package plugins/,
# one module per concern (docs/architecture.md); those that write a file do nothing until its setting is set.
PLUGINS = [
    # First: when the build fails at its end, the originals of photos are still made clean (no GPS).
    "plugins.image_writing",  # the images posts show, at several widths, in modern formats, stripped clean
    # Before problems.py too: the search index is waited for, and a failure of it reported, before the end.
    "plugins.search_index",  # Pagefind's search index (SEARCH_INDEX)
    "plugins.problems",  # every problem of a build, in every file, reported together; then the build fails
    "plugins.reading",  # how a source file becomes a post: checks, plain-text title, notes, images, code
    "plugins.notebooks",  # the files Jupyter notebooks' outputs show (reading.py reads the notebooks)
    "plugins.site_checks",  # checks across files and of the settings: places taken twice, missing templates
    "plugins.link_check",  # every link of the written site leads somewhere
    "plugins.public",  # what is public: hidden posts and drafts (SHOW_DRAFTS)
    "plugins.addresses",  # the address of every page, the theme's own pages' among them
    "plugins.taxonomy",  # tags, categories and authors one slug apart are one, as most posts spell them
    "plugins.navigation",  # the pages the menu lists, and the names of languages
    "plugins.neighbours",  # each post's older and newer post
    "plugins.series",  # posts of one Series: their order, and a page listing them
    "plugins.redirects",  # a page at each of a post's former addresses (Aliases), and _redirects
    "plugins.security_headers",  # _headers: a Content-Security-Policy that allows what posts embed
    "plugins.feeds",  # Atom and RSS completed and made valid for every reader, and feed.json (FEED_ALL_JSON)
    "plugins.social_cards",  # a picture for each post's link previews, drawn at build time (SOCIAL_CARDS_PATH)
    "plugins.structured_data",  # schema.org JSON-LD for search engines: posts, their breadcrumbs, the site
    "plugins.sitemap",  # sitemap.xml and robots.txt (SITEMAP_SAVE_AS)
    "plugins.theme_files",  # the stylesheets (minified and content-hashed when publishing) and /favicon.ico
]
# Pelican's own warnings about an image with empty alt text and a link to a missing file are left out:
# plugins/reading.py and plugins/site_checks.py report both, naming the file, line and what to write.
LOG_FILTER = [
    (logging.WARNING, "Empty alt attribute for image %s in %s"),
    (logging.WARNING, "Unable to find '%s', skipping url replacement."),
]

# An image without alt text is listed and counted; True makes it a problem that fails the build.
REQUIRE_ALT_TEXT = False

# A post without a Summary is summed up by its first paragraph (at most 50 words) in listings and feeds.
SUMMARY_MAX_PARAGRAPHS = 1

# Smart quotes, dashes and ellipses, set by the readers as they read (plugins/typography.py), so Pelican's
# own pass, Typogrify, is off.
TYPOGRAPHY = True
TYPOGRIFY = False

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        # Pygments colours code at build time; theme/static/css/code.css holds its light and dark styles.
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        # Every heading gets an id and a link to itself beside its text, so a section can be linked;
        # posts with `Toc: true` also show the table (plugins/reading.py).
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_class": "heading-link",
            "permalink_title": "Link to this section",
            "toc_depth": "2-3",
        },
    },
    "output_format": "html5",
}

# reStructuredText: math as MathML, as Markdown's (plugins/mathml.py); a section title never a link back to
# a table of contents, which would put a link inside a link where the title holds one.
DOCUTILS_SETTINGS = {"math_output": "MathML", "toc_backlinks": "none"}

# Pelican's content cache keeps what the readers made of each file (its HTML, typeset, and metadata),
# so a build with the cache on (`invoke livereload`, bench/) reads only the files that changed. Tests
# build without it. Uncompressed: a thousand posts take 7 MB rather than 1.6 MB, and load 0.3 s sooner.
CONTENT_CACHING_LAYER = "reader"
GZIP_CACHE = False

# Autoescape every value a template prints; the HTML Pelican produces from Markdown
# (content, title, summary) is marked `|safe` where it is printed in the body.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Files copied as they are: a post's images (content/images/).
STATIC_PATHS = ["images"]

# Clean URLs: every page is a folder with an index.html. A translation lives under its language. A site
# that keeps an older blog's addresses sets these in pelicanconf.py, each URL with its SAVE_AS.
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/posts/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/posts/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_URL = "{lang}/drafts/{slug}/"
DRAFT_LANG_SAVE_AS = "{lang}/drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "{lang}/drafts/pages/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "{lang}/drafts/pages/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
SERIES_URL = "series/{slug}/"
SERIES_SAVE_AS = "series/{slug}/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
# The theme's own pages; their links come from these names (plugins/addresses.py).
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
SEARCH_SAVE_AS = "search/index.html"
# What a feed is and how to follow one, linked beside the feeds: only a build that writes feeds has it.
SUBSCRIBE_SAVE_AS = ""
# "404" is rendered from theme/templates/404.html to /404.html, where static hosts look.
DIRECT_TEMPLATES = ["index", "archives", "tags", "categories", "authors", "search", "subscribe", "404"]

# Page 2 onwards live in a folder below the listing ("tag/t1/page/12/"), so tag
# "t1" page 12 and tag "t11" page 2 can never be written to the same file.
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds and the sitemap need absolute URLs, so only the publish build (with a SITEURL) writes them.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_ALL_JSON = None  # plugins/feeds.py
SITEMAP_SAVE_AS = None  # plugins/sitemap.py, which writes robots.txt beside it
HEADERS_SAVE_AS = None  # plugins/security_headers.py: _headers for Netlify and Cloudflare Pages
# What the Content-Security-Policy in _headers allows beyond what posts embed (the plugin adds that
# itself), by directive: {"img-src": ["https:"]} lets posts show images from any https host.
CONTENT_SECURITY_POLICY = {}
REDIRECTS_SAVE_AS = None  # plugins/redirects.py: _redirects, for hosts that read one
# Link previews' pictures (plugins/social_cards.py): a card for each post and one for the site, drawn
# into this folder; like feeds, only a build with a SITEURL makes them.
SOCIAL_CARDS_PATH = None
# The licence readers may reuse the posts under, as {"name": …, "url": …} (the licence's name and the
# address of its text): shown in the footer (rel="license"), in feeds and JSON-LD. None: all rights reserved.
LICENSE = None
# RSS carries whole posts, as Atom does, not just their summaries.
RSS_FEED_SUMMARY_ONLY = False

# Drafts (`Status: draft`) are built, listed on the home page and labelled here; a published build hides them.
SHOW_DRAFTS = True
# Pagefind indexes every build, so the search page works in the local preview too (plugins/search_index.py).
SEARCH_INDEX = True

# The menu: the theme's own pages, then the pages from content/pages that say `Menu: yes` (or a number,
# for their order); with none saying so, every page while there are at most MENU_PAGES_LIMIT of them.
DISPLAY_PAGES_ON_MENU = True
MENU_PAGES_LIMIT = 6
DISPLAY_CATEGORIES_ON_MENU = False

# Never delete what a deploy target keeps in the output folder.
OUTPUT_RETENTION = [".git", ".nojekyll", "CNAME", ".hg"]
