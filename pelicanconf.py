"""Your site's settings: `make build`, `invoke build` and plain `pelican content` read this file.

The first line takes the project's settings (ourblog/settings.py: the theme, its plugins, how posts are
read, clean addresses such as /posts/a-post/); everything after it is yours, and may set any of them
again. publishconf.py takes everything here and adds what the published site needs.
`invoke move-in OLD_BLOG` writes this file anew with an old Pelican blog's own settings.
"""

from ourblog.settings import *  # noqa: F403

SITENAME = "Our Blog"
SITESUBTITLE = "This is an optional subtitle."
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"

# Every image needs a description (alt text): one without fails the build, naming the file and line.
REQUIRE_ALT_TEXT = True
