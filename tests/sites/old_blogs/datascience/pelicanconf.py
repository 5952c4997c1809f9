# ruff: noqa
# A data-science blog: notebooks as posts (pelican-jupyter), Liquid tags, MathJax, addresses under blog/.
from pelican_jupyter import markup as nb_markup

AUTHOR = "Priya Natarajan"
SITENAME = "Residuals"
SITEURL = ""
PATH = "content"
THEME = "themes/pelican-octopress-theme"
PLUGIN_PATHS = ["./plugins", "./pelican-plugins"]
PLUGINS = [
    nb_markup,
    "liquid_tags.img",
    "liquid_tags.youtube",
    "liquid_tags.include_code",
    "liquid_tags.notebook",
    "render_math",
]
MARKUP = ("md", "ipynb")
NOTEBOOK_DIR = "notebooks"
CODE_DIR = "code"
STATIC_PATHS = ["images", "code"]
ARTICLE_EXCLUDES = ["notebooks", "code"]
MATH_JAX = {"color": "blue", "align": "left"}

TIMEZONE = "Asia/Kolkata"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %d, %Y"

INDEX_SAVE_AS = "blog/index.html"
ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "blog/tag/{slug}/"
TAG_SAVE_AS = "blog/tag/{slug}/index.html"
CATEGORY_URL = "blog/category/{slug}/"
CATEGORY_SAVE_AS = "blog/category/{slug}/index.html"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives"]

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
