"""What an old site used that this project honours in its own way, or not at all, and which posts it touches.

`findings(old, survey)` gives a Findings from the old settings (ourblog/old_settings.py: its plugins,
its theme's settings, its presentation and machinery) and what the posts use (ourblog/move_in_survey.py:
Liquid tags, math, reST directives, summary markers, metadata fields). Nothing is lost in silence: a
metadata field nothing here reads is listed with the posts that have it ("Keywords: 100 posts").
"""

from dataclasses import dataclass, field

from plugins.liquid_tags import BLOCK_TAGS, CONTEXT_TAGS, WORD_TAGS
from plugins.notebooks import NOTEBOOK_FIELDS
from plugins.reading import PICTURE_FIELDS, SUBTITLE_FIELDS
from plugins.redirects import ALIAS_FIELDS

LIQUID_TAGS = {*WORD_TAGS, *CONTEXT_TAGS, *BLOCK_TAGS}
# The fields Pelican gives a meaning, and those this project reads (plugins/reading.py, series.py…).
PELICAN_FIELDS = {
    "title", "date", "modified", "tags", "category", "author", "authors", "slug", "summary", "lang",
    "translation", "status", "template", "save_as", "url",
}  # fmt: skip
PROJECT_FIELDS = {
    "subtitle", "description", "toc", "series", "series_index", "menu", *SUBTITLE_FIELDS,
    *PICTURE_FIELDS, *(f"{name}_alt" for name in PICTURE_FIELDS), *ALIAS_FIELDS, *NOTEBOOK_FIELDS,
}  # fmt: skip
MATH_PLUGINS = {"render_math", "katex", "math", "mathjax"}
NOTEBOOK_READERS = {"jupyter", "ipynb"}

# What this project does in place of a plugin, by the plugin's short name (old_settings.short_plugin_name).
HONOURED_PLUGINS = {
    "liquid_tags": "its tags are rendered by plugins/liquid_tags.py: " + ", ".join(sorted(LIQUID_TAGS)),
    "render_math": "math is MathML made at build time (plugins/mathml.py): no MathJax script, MATH_JAX is not read",
    "katex": "math is MathML made at build time (plugins/mathml.py): no KaTeX script",
    "jupyter": "notebooks are posts, read from their JSON by plugins/notebooks.py and never run",
    "ipynb": "notebooks are posts, read from their JSON by plugins/notebooks.py and never run",
    "series": "`Series:` and `Series_index:` make a series (plugins/series.py): its page, and links between its parts",
    "sitemap": "sitemap.xml and robots.txt are written by the publish build (plugins/sitemap.py)",
    "neighbors": "each post links its older and newer post (plugins/neighbours.py)",
    "summary": (
        "a post's summary is its Summary: field, else its first paragraph, not the text up to the marker; "
        "<!-- PELICAN_END_SUMMARY --> is a note, removed as every note is"
    ),
    "i18n_subsites": (
        "translations are pages of this one site, at ARTICLE_LANG_URL and PAGE_LANG_URL; the subsites' own "
        "settings (I18N_SUBSITES) and listings are not, and each subsite's home page leads to this site's"
    ),
    "alias": "`Aliases:` and `Alias:` lead to the post (plugins/redirects.py)",
    "readtime": "each post's byline gives its reading time",
    "post_stats": "each post's byline gives its reading time",
    "toc": "`Toc: true` gives a post a table of contents; the plugin's TOC settings are not read",
    "extract_toc": "`Toc: true` gives a post a table of contents",
    "tipue_search": "search is Pagefind's (plugins/search_index.py), on the theme's search page",
    "search": "search is Pagefind's (plugins/search_index.py), on the theme's search page",
    "representative_image": "a post's picture for link previews is its Image: or Cover: field, else a drawn card",
    "featured_image": "a post's picture for link previews is its Image: or Cover: field, else a drawn card",
    "tag_cloud": "no tag cloud: the tags page lists every tag",
    "assets": "the publish build minifies and hashes the theme's stylesheets",
    "webassets": "the publish build minifies and hashes the theme's stylesheets",
    "minify": "the publish build minifies and hashes the theme's stylesheets",
    "gzip_cache": "hosts compress pages themselves",
    "precompress": "hosts compress pages themselves",
}
NOT_HONOURED_PLUGINS = {
    "related_posts": "no list of related posts, and the Related_posts fields are not read",
    "share_post": "no share buttons: the pages load nothing from other sites",
    "youtube": "no `.. youtube::` directive: the build names each post using it; in Markdown, {% youtube id %} works",
    "vimeo": "no `.. vimeo::` directive: the build names each post using it; in Markdown, {% vimeo id %} works",
    "photos": "no galleries: the Gallery fields are not read",
    "disqus_static": "no comments",
    "pelican_comment_system": "no comments",
}
# The old theme's features, by the settings that turn them on.
THEME_FEATURES = {
    "comments": (
        {"DISQUS_SITENAME", "DISQUS_SHORTNAME", "ISSO_URL", "UTTERANCES_REPO", "GISCUS_REPO", "COMMENTBOX_PROJECT"},
        "this theme shows none; the old comments stay with their service",
    ),
    "analytics": (
        {
            "GOOGLE_ANALYTICS", "GOOGLE_ANALYTICS_UNIVERSAL", "GA_TRACKING_ID", "GOOGLE_TAG_MANAGER",
            "GAUGES", "PIWIK_URL", "PIWIK_SITE_ID", "MATOMO_URL", "MATOMO_SITE_ID", "GOATCOUNTER_CODE",
            "PLAUSIBLE_DOMAIN", "CLICKY_SITE_ID", "STATCOUNTER_PROJECT", "GOSQUARED_SITENAME",
        },
        "no tracking script: the pages load nothing from other sites",
    ),
    "blogroll and social links": (
        {"LINKS", "SOCIAL", "LINKS_WIDGET_NAME", "SOCIAL_WIDGET_NAME"},
        "not shown: write them in a page of your own (content/pages/links.md)",
    ),
    "share buttons": (
        {"ADDTHIS_PROFILE", "ADDTHIS_DATA_TRACK_ADDRESSBAR", "SHARE_POST", "SHARETHIS_PUB_KEY"},
        "none: the pages load nothing from other sites",
    ),
}  # fmt: skip
# Presentation and machinery: this project's own, never taken over; what it does instead.
PROJECT_OWN = {
    "THEME": "this project's theme shows every page",
    "TYPOGRIFY": "typography is set as posts are read (TYPOGRAPHY)",
    "JINJA_FILTERS": "the old theme's template filters are not loaded",
    "JINJA_GLOBALS": "the old theme's template globals are not loaded",
    "JINJA_ENVIRONMENT": "this project's templates set their own Jinja environment",
    "RELATIVE_URLS": "links are root-relative locally and absolute under SITEURL when published",
    "DELETE_OUTPUT_DIRECTORY": "the publish build always starts clean, keeping OUTPUT_RETENTION",
    "OUTPUT_PATH": "the site is built into output/",
    "CACHE_CONTENT": "this project's content cache (invoke livereload) is its own",
    "SUMMARY_MAX_LENGTH": "a summary is the Summary: field, else the first paragraph",
    "DISPLAY_CATEGORIES_ON_MENU": "the menu lists the theme's pages, and those that say `Menu: yes`",
}
MACHINERY = {
    "PATH", "PLUGINS", "PLUGIN_PATHS", "THEME_STATIC_DIR", "THEME_STATIC_PATHS", "THEME_TEMPLATES_OVERRIDES",
    "CSS_FILE", "TYPOGRIFY_IGNORE_TAGS", "TYPOGRIFY_OMIT_FILTERS", "TYPOGRIFY_DASHES", "JINJA_TESTS",
    "CACHE_PATH", "LOAD_CONTENT_CACHE", "CONTENT_CACHING_LAYER", "GZIP_CACHE", "CHECK_MODIFIED_METHOD",
    "OUTPUT_RETENTION", "LOG_FILTER", "PORT", "BIND", "PELICAN_CLASS", "STATIC_CREATE_LINKS",
    "STATIC_CHECK_IF_MODIFIED", "DISPLAY_PAGES_ON_MENU", "SUMMARY_END_SUFFIX", "NEWEST_FIRST_ARCHIVES",
    "REVERSE_CATEGORY_ORDER", "DIRECT_TEMPLATES", "TEMPLATE_PAGES", "SITEURL", "MARKUP", "MD_EXTENSIONS",
    "PAGINATED_DIRECT_TEMPLATES", "EXTRA_TEMPLATES_PATHS", "JINJA_EXTENSIONS", "FEED_DOMAIN", "MATH_JAX",
}  # fmt: skip


@dataclass
class Finding:
    subject: str  # what the old site used: a plugin, a setting, a tag, a directive
    says: str  # what happens here
    files: list = field(default_factory=list)  # the posts and pages it touches, if it touches some


@dataclass
class Findings:
    honoured: list = field(default_factory=list)  # what this project does in its own way
    not_honoured: list = field(default_factory=list)  # what nothing here does
    project_own: list = field(default_factory=list)  # presentation and machinery the old files set
    unread_fields: dict = field(default_factory=dict)  # metadata field -> the files that have it


def findings(old, survey, taken_names):
    """What the old site used, from its settings and its posts; `taken_names` are the settings taken over."""
    found = Findings()
    plugin_findings(old, survey, found)
    content_findings(old, survey, found)
    settings_findings(old, taken_names, found)
    found.unread_fields = unread_fields(survey, old)
    return found


def plugin_findings(old, survey, found):
    """One finding a plugin, its modules together: liquid_tags.img and liquid_tags.youtube are liquid_tags."""
    modules = {}
    for name, short in old.plugins():
        modules.setdefault(short, []).append(name)
    for short, names in modules.items():
        subject = f"plugin {', '.join(names)}"
        files = plugin_files(short, survey, old)
        if short in HONOURED_PLUGINS:
            found.honoured.append(Finding(subject, HONOURED_PLUGINS[short], files))
        else:
            says = NOT_HONOURED_PLUGINS.get(short, "nothing here does what it did")
            found.not_honoured.append(Finding(subject, says, files))


def plugin_files(short, survey, old):
    """The posts a plugin touches, where its use shows in their text or fields."""
    default_lang = old.published.get("DEFAULT_LANG", "en")
    embedded = old.published.get("NOTEBOOK_DIR", "notebooks").strip("/") + "/"
    tests = {
        "liquid_tags": lambda source: source.liquid_tags,
        "render_math": lambda source: source.has_math,
        "katex": lambda source: source.has_math,
        "jupyter": lambda source: source.kind == "notebook" and not source.path.startswith(embedded),
        "ipynb": lambda source: source.kind == "notebook" and not source.path.startswith(embedded),
        "series": lambda source: "series" in source.fields,
        "summary": lambda source: source.has_summary_marker,
        "i18n_subsites": lambda source: (
            source.lang not in ("", default_lang) or "translation" in source.fields
        ),
        "alias": lambda source: any(name in source.fields for name in ALIAS_FIELDS),
        "related_posts": lambda source: "related_posts" in source.fields,
        "youtube": lambda source: "youtube" in source.unknown_directives,
        "vimeo": lambda source: "vimeo" in source.unknown_directives,
        "photos": lambda source: "gallery" in source.fields,
    }
    return survey.using(tests[short]) if short in tests else []


def content_findings(old, survey, found):
    """What the posts' text uses, whatever the plugins said: tags, math, directives, summary markers."""
    shorts = {short for _, short in old.plugins()}
    for tag in sorted({tag for source in survey.files for tag in source.liquid_tags}):
        files = survey.using(lambda source, tag=tag: tag in source.liquid_tags)
        if tag in LIQUID_TAGS:
            found.honoured.append(Finding(f"{{% {tag} %}}", "rendered by plugins/liquid_tags.py", files))
        else:
            says = (
                "no Liquid tag of that name here: the build names each post using it, until it is rewritten"
            )
            found.not_honoured.append(Finding(f"{{% {tag} %}}", says, files))
    math = survey.using(lambda source: source.has_math)
    if math and not shorts & MATH_PLUGINS:
        says = (
            "text that reads as math is MathML here, but the old site had no math plugin: check these posts"
        )
        found.not_honoured.append(Finding("math", says, math))
    for directive in sorted({name for source in survey.files for name in source.unknown_directives}):
        files = survey.using(lambda source, name=directive: name in source.unknown_directives)
        says = "a directive docutils does not know: the build names each post using it, until it is rewritten"
        found.not_honoured.append(Finding(f".. {directive}::", says, files))
    markers = survey.using(lambda source: source.has_summary_marker)
    if markers and "summary" not in shorts:
        found.honoured.append(Finding("PELICAN_END_SUMMARY", HONOURED_PLUGINS["summary"], markers))
    folder = old.published.get("NOTEBOOK_DIR", "notebooks").strip("/") + "/"
    new_posts = survey.using(lambda source: source.kind == "notebook" and not source.path.startswith(folder))
    if new_posts and not shorts & NOTEBOOK_READERS:
        says = "the old site read no notebooks as posts; here they are posts (plugins/notebooks.py)"
        found.not_honoured.append(Finding("notebooks", says, new_posts))


def settings_findings(old, taken_names, found):
    """The old theme's features, its other settings, and the presentation and machinery its files set."""
    own = set(old.own)
    for feature, (names, says) in THEME_FEATURES.items():
        used = sorted(own & names)
        if used:
            found.not_honoured.append(Finding(f"{feature} ({', '.join(used)})", says))
    features = set().union(*(names for names, _ in THEME_FEATURES.values()))
    known = set(old.defaults) | set(taken_names) | features | MACHINERY | set(PROJECT_OWN)
    others = sorted(name for name in own - known if not name.startswith("I18N_"))
    if others:
        found.not_honoured.append(
            Finding(
                f"settings {', '.join(others)}", "of the old theme or its plugins: nothing here reads them"
            )
        )
    if old.own.get("THEME"):
        theme = old.own["THEME"]
        missing = (
            ""
            if (old.folder / str(theme)).is_dir() or "/" not in str(theme)
            else " (its folder is not there)"
        )
        found.project_own.append(Finding(f"THEME {theme}{missing}", PROJECT_OWN["THEME"]))
    for name in sorted(own & (set(PROJECT_OWN) - {"THEME"})):
        found.project_own.append(Finding(name, PROJECT_OWN[name]))


def unread_fields(survey, old):
    """{field: files} for the metadata fields of the posts that neither Pelican nor this project reads."""
    read = (
        PELICAN_FIELDS | PROJECT_FIELDS | {name.lower() for name in old.published.get("FORMATTED_FIELDS", [])}
    )
    fields = {}
    for source in survey.files:
        for name in source.fields:
            if name not in read and not (source.kind == "html" and name == "keywords"):  # Pelican's tags
                fields.setdefault(name, []).append(source.path)
    return dict(sorted(fields.items(), key=lambda item: (-len(item[1]), item[0])))
