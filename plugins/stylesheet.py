"""The theme's stylesheet URL for the templates; minified and content-hashed in the publish build.

With HASHED_STYLESHEET on (publishconf.py), the build writes the stylesheet minified by rcssmin as
css/main.<hash>.css, the hash taken from the minified text, which pages link. The minified text also
replaces the readable main.css, for the Atom feed's XSL stylesheet, which cannot know the hash. A new
stylesheet gets a new URL, so a host may let browsers keep it for a year ("immutable"). A hash in
the file name, rather than a `?v=` query, keeps that safe where caches ignore query strings, and
lets a host's header rules match the hashed files by path alone. The local build keeps the
readable main.css. Templates print STYLESHEET_URL and never spell the file name out.
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


def write_hashed_stylesheet(pelican):
    """Write the minified stylesheet under its hashed name and over the readable copy Pelican made."""
    settings = pelican.settings
    if not settings.get("HASHED_STYLESHEET"):
        return
    css, url = minified_stylesheet(settings)
    output = Path(settings["OUTPUT_PATH"])
    (output / url).write_text(css, encoding="utf-8")
    (output / settings["THEME_STATIC_DIR"] / SOURCE).write_text(css, encoding="utf-8")


def register():
    signals.initialized.connect(set_stylesheet_url)
    signals.finalized.connect(write_hashed_stylesheet)
