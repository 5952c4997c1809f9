"""Pelican settings for the deployed site: `invoke preview`, `publish` and `gh-pages` read this file.

It takes every setting from pelicanconf.py and changes only what production needs.
"""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

# Where the site is served, without a trailing slash; a subpath works too:
#   SITEURL=https://example.org/blog invoke publish
# Or write it here in place of "". Feeds, the sitemap and link previews need it: `publish` and
# `gh-pages` refuse to build without it, and `preview` builds for the local server.
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
FEED_ALL_JSON = "feed.json"
SITEMAP_SAVE_AS = "sitemap.xml"
SOCIAL_CARDS_PATH = "cards"
# What Netlify and Cloudflare Pages read at the site's root: HTTP headers, and the redirects from
# posts' former addresses (plugins/security_headers.py, plugins/redirects.py).
HEADERS_SAVE_AS = "_headers"
REDIRECTS_SAVE_AS = "_redirects"

# Drafts are never published: not built, listed, or in feeds and the sitemap.
SHOW_DRAFTS = False

# A clean output folder, so nothing from an older build is deployed (OUTPUT_RETENTION is kept).
DELETE_OUTPUT_DIRECTORY = True

# The stylesheet minified, under a name with a hash of its content: see plugins/stylesheet.py.
HASHED_STYLESHEET = True
