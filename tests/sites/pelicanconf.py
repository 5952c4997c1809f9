"""The settings the project's own tests build their fixture sites with, whatever pelicanconf.py says.

The project's settings, and the sample site's name and place: the author's pelicanconf.py, at the root,
is theirs to change, and the tests never read it (test_author_site.py checks the author's site with it).
"""

from ourblog.settings import *  # noqa: F403

SITENAME = "Our Blog"
SITESUBTITLE = "This is an optional subtitle."
TIMEZONE = "Europe/London"
REQUIRE_ALT_TEXT = True
