"""The publish settings of the project's fixture sites: theirs (pelicanconf.py beside this file), then
what a published build adds. Each test gives the SITEURL it publishes at."""

import os
from pathlib import Path

from pelican.settings import get_settings_from_file, get_settings_from_module

from ourblog import publish_settings

site = get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py")))
globals().update(site)
globals().update(get_settings_from_module(publish_settings))

# As the author's publishconf.py does: the address from the environment (`invoke publish` in a copy).
SITEURL = os.environ.get("SITEURL", site["PUBLISHED_SITEURL"]).rstrip("/")
