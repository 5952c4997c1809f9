# ruff: noqa
# What the old site published: its address and its feeds, over pelicanconf.py.
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

SITEURL = "https://fieldnotes.example"
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True
GOOGLE_ANALYTICS = "UA-000000-1"
