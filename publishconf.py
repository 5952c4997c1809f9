"""Settings of the published site: `invoke preview`, `publish` and `gh-pages` read this file.

It takes every setting of pelicanconf.py, beside it, then what a published build adds (feeds, the
sitemap, link previews: ourblog/publish_settings.py), then the address the site is served from.
"""

import os
from pathlib import Path

from pelican.settings import get_settings_from_file, get_settings_from_module

from ourblog import publish_settings

site = get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py")))
globals().update(site)
globals().update(get_settings_from_module(publish_settings))

# Where the site is served, without a trailing slash; a subpath works too:
#   SITEURL=https://example.org/blog invoke publish
# Or set PUBLISHED_SITEURL in pelicanconf.py. Feeds, the sitemap and link previews need it: `publish`
# and `gh-pages` refuse to build without it, and `preview` builds for the local server.
SITEURL = os.environ.get("SITEURL", site["PUBLISHED_SITEURL"]).rstrip("/")
