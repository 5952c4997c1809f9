"""The theme's files that pages and browsers ask for by name: its stylesheets, and /favicon.ico.

STYLESHEET_URL (and the URLs of the stylesheets of code, math and notebooks) are what templates link,
never spelling a file name out. With
HASHED_STYLESHEET on (the publish build), each stylesheet is written minified by rcssmin as
css/main.<hash>.css, the hash taken from the minified text, and pages link that: a new stylesheet gets a
new URL, so a host may let browsers keep it for a year ("immutable"). A hash in the file name, rather
than a `?v=` query, keeps that safe where caches ignore query strings, and lets a host's header rules
match the hashed files by path alone. The readable copies Pelican copies with the theme's static files
are then removed from the output: no page links them.

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

# The setting each stylesheet's URL is given in, and the file, in the theme's static folder.
# main.css is every page's; the others only pages that show code, formulas or notebooks link.
STYLESHEETS = {
    "STYLESHEET_URL": Path("css/main.css"),
    "CODE_STYLESHEET_URL": Path("css/code.css"),
    "MATH_STYLESHEET_URL": Path("css/math.css"),
    "NOTEBOOK_STYLESHEET_URL": Path("css/notebook.css"),
}
ICON = "favicon.ico"  # in the theme's own folder


def minified(settings, stylesheet):
    """A stylesheet's minified CSS, and its URL relative to SITEURL."""
    source = Path(settings["THEME"]) / "static" / stylesheet
    css = rcssmin.cssmin(source.read_text(encoding="utf-8"))
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    return css, f"{settings['THEME_STATIC_DIR']}/{stylesheet.parent}/{stylesheet.stem}.{digest}.css"


def hashed_pattern(settings, stylesheet):
    """The path pattern of a stylesheet's hashed copies, for cache rules: "/theme/css/main.*.css"."""
    return f"/{settings['THEME_STATIC_DIR']}/{stylesheet.parent}/{stylesheet.stem}.*{stylesheet.suffix}"


def set_stylesheet_urls(pelican):
    settings = pelican.settings
    for name, stylesheet in STYLESHEETS.items():
        if settings.get("HASHED_STYLESHEET"):
            settings[name] = minified(settings, stylesheet)[1]
        else:
            settings[name] = f"{settings['THEME_STATIC_DIR']}/{stylesheet.as_posix()}"


def write_theme_files(generators):
    settings = generators[0].settings
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir(parents=True, exist_ok=True)
    icon = Path(settings["THEME"]) / ICON
    if icon.is_file():
        shutil.copyfile(icon, output / ICON)
    if settings.get("HASHED_STYLESHEET"):
        for stylesheet in STYLESHEETS.values():
            css, url = minified(settings, stylesheet)
            (output / url).parent.mkdir(parents=True, exist_ok=True)
            (output / url).write_text(css, encoding="utf-8")


def remove_readable_copies(pelican):
    """The stylesheets Pelican copied as they are, which no page of a hashed build links."""
    settings = pelican.settings
    if settings.get("HASHED_STYLESHEET"):
        for stylesheet in STYLESHEETS.values():
            (Path(pelican.output_path) / settings["THEME_STATIC_DIR"] / stylesheet).unlink(missing_ok=True)


def register():
    signals.initialized.connect(set_stylesheet_urls)
    signals.all_generators_finalized.connect(write_theme_files)
    signals.finalized.connect(remove_readable_copies)
