# ruff: noqa
# An old blog's settings, laid out as pelican-quickstart lays them out: Pelican's default addresses.
AUTHOR = "Mina Hartley"
SITENAME = "Field Notes"
SITEURL = ""

PATH = "content"
# A git submodule that was never checked out: the folder is not there.
THEME = "themes/pelican-bootstrap3"
PLUGIN_PATHS = ["pelican-plugins"]
PLUGINS = ["sitemap", "neighbors", "tag_cloud", "related_posts"]

TIMEZONE = "Europe/Dublin"
DEFAULT_LANG = "en"

# No feeds while writing: publishconf.py turns them on.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

LINKS = (("Pelican", "https://getpelican.com/"),)
SOCIAL = (("Mastodon", "https://example.social/@mina"),)
DEFAULT_PAGINATION = 3

# The theme's own sitemap page, beside Pelican's pages.
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "sitemap"]
SITEMAP = {"format": "xml"}
DISQUS_SITENAME = "fieldnotes"
GITHUB_URL = "https://github.com/example"

STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}
