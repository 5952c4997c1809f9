# ruff: noqa
# The published site: its address, its feeds, and one more plugin.
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

SITEURL = "https://residuals.example"
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
PLUGINS = PLUGINS + ["sitemap"]
