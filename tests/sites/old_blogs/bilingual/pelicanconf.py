# ruff: noqa
# A French and English blog whose content is its own root folder: posts/fr, posts/en and pages.
AUTHOR = "Claire Dubois"
SITENAME = "Carnets"
SITEURL = "https://carnets.example"
PATH = "."
OUTPUT_PATH = "site"
CACHE_PATH = "pelican-cache"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
THEME = "themes/Flex"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["i18n_subsites"]
I18N_SUBSITES = {"en": {"SITENAME": "Notebooks"}}

DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
DATE_FORMATS = {"fr": "%d/%m/%Y", "en": "%d %B %Y"}

# The date and slug from the file's name, the language from its folder.
FILENAME_METADATA = r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<slug>.*)"
PATH_METADATA = r"posts/(?P<lang>fr|en)/.*"
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "carnet"
EXTRA_PATH_METADATA = {
    "extra/favicon.ico": {"path": "favicon.ico"},
    "extra/CNAME": {"path": "CNAME"},
}

ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/{date:%Y}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
CATEGORY_URL = "categorie/{slug}/"
CATEGORY_SAVE_AS = "categorie/{slug}/index.html"
TAG_URL = "etiquette/{slug}/"
TAG_SAVE_AS = "etiquette/{slug}/index.html"

MENUITEMS = (("GitHub", "https://github.com/example"),)
TWITTER_USERNAME = "carnets"
