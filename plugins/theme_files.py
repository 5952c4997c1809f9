"""The theme's files that pages and browsers ask for by name: its stylesheet, and /favicon.ico.

STYLESHEET_URL is what templates link, never spelling the file name out. With HASHED_STYLESHEET on
(publishconf.py), the stylesheet is written minified by rcssmin as css/main.<hash>.css, the hash
taken from the minified text, and pages link that: a new stylesheet gets a new URL, so a host may
let browsers keep it for a year ("immutable"). A hash in the file name, rather than a `?v=` query,
keeps that safe where caches ignore query strings, and lets a host's header rules match the hashed
files by path alone. Pelican copies the readable main.css as well, for the Atom feeds' XSL
stylesheet, which cannot know the hash.

theme/favicon.ico goes to the site's root, where browsers and feed readers look for an icon when a
page names none (tools/make_favicon.py draws it).

Both are written once the output folder is ready and before any page, so every link to them leads
somewhere when the written site's links are checked.
"""

import hashlib
import shutil
from pathlib import Path

import rcssmin
from pelican import signals

STYLESHEET = Path("css/main.css")  # in the theme's static folder
ICON = "favicon.ico"  # in the theme's own folder


def minified_stylesheet(settings):
    """The minified CSS and its URL, relative to SITEURL."""
    source = Path(settings["THEME"]) / "static" / STYLESHEET
    css = rcssmin.cssmin(source.read_text(encoding="utf-8"))
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    return css, f"{settings['THEME_STATIC_DIR']}/{STYLESHEET.parent}/{STYLESHEET.stem}.{digest}.css"


def set_stylesheet_url(pelican):
    settings = pelican.settings
    if settings.get("HASHED_STYLESHEET"):
        settings["STYLESHEET_URL"] = minified_stylesheet(settings)[1]
    else:
        settings["STYLESHEET_URL"] = f"{settings['THEME_STATIC_DIR']}/{STYLESHEET}"


def write_theme_files(generators):
    settings = generators[0].settings
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir(parents=True, exist_ok=True)
    icon = Path(settings["THEME"]) / ICON
    if icon.is_file():
        shutil.copyfile(icon, output / ICON)
    if settings.get("HASHED_STYLESHEET"):
        css, url = minified_stylesheet(settings)
        (output / url).parent.mkdir(parents=True, exist_ok=True)
        (output / url).write_text(css, encoding="utf-8")


def register():
    signals.initialized.connect(set_stylesheet_url)
    signals.all_generators_finalized.connect(write_theme_files)
