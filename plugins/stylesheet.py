"""The theme's stylesheet URL for the templates; minified and content-hashed in the publish build.

With HASHED_STYLESHEET on (publishconf.py), the build writes the stylesheet minified by rcssmin as
css/main.<hash>.css, the hash taken from the minified text, and pages link it. A new stylesheet gets
a new URL, so a host may let browsers keep it for a year ("immutable"). A hash in the file name,
rather than a `?v=` query, keeps that safe where caches ignore query strings, and lets a host's
header rules match the hashed files by path alone. The readable main.css is copied as well, for the
Atom feeds' XSL stylesheet, which cannot know the hash. Templates print STYLESHEET_URL and never
spell the file name out.
"""

import hashlib
from pathlib import Path

import rcssmin
from pelican import signals

SOURCE = Path("css/main.css")  # in the theme's static folder


def minified_stylesheet(settings):
    """The minified CSS and its URL, relative to SITEURL."""
    source = Path(settings["THEME"]) / "static" / SOURCE
    css = rcssmin.cssmin(source.read_text(encoding="utf-8"))
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    return css, f"{settings['THEME_STATIC_DIR']}/{SOURCE.parent}/{SOURCE.stem}.{digest}.css"


def set_stylesheet_url(pelican):
    settings = pelican.settings
    if settings.get("HASHED_STYLESHEET"):
        settings["STYLESHEET_URL"] = minified_stylesheet(settings)[1]
    else:
        settings["STYLESHEET_URL"] = f"{settings['THEME_STATIC_DIR']}/{SOURCE}"


def write_hashed_stylesheet(generators):
    """Written once the output folder is ready and before any page, so every link to it leads somewhere."""
    settings = generators[0].settings
    if not settings.get("HASHED_STYLESHEET"):
        return
    css, url = minified_stylesheet(settings)
    path = Path(settings["OUTPUT_PATH"]) / url
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(css, encoding="utf-8")


def register():
    signals.initialized.connect(set_stylesheet_url)
    signals.all_generators_finalized.connect(write_hashed_stylesheet)
