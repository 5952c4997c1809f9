# ruff: noqa
# An old blog's only settings file: dated addresses, two posts a page, feeds for each category.
import sys

sys.path.append("plugins")
# The blog's own plugin, imported to be listed: importing it runs it.
import better_figures

AUTHOR = "Tomás Ruiz"
SITENAME = "Slow Reading"
SITEURL = "https://slowreading.example/blog"
PATH = "content"
THEME = "themes/elegant"
PLUGIN_PATHS = ["plugins"]
PLUGINS = [better_figures, "pelican_youtube", "series"]
TYPOGRIFY = True
SUMMARY_MAX_LENGTH = 30

TIMEZONE = "America/Mexico_City"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %b %Y"
DEFAULT_CATEGORY = "notes"

ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}.html"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"

DEFAULT_PAGINATION = 2
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tags/{slug}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.admonition": {},
        "mdx_truly_sane_lists": {},
    },
    "output_format": "html5",
}
DOCUTILS_SETTINGS = {"footnote_references": "superscript"}
