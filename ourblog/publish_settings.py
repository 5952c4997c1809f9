"""What a published build adds to the settings of every build: publishconf.py imports this after
pelicanconf.py's settings, then sets the site's address.

Feeds, the sitemap, link previews and the JSON-LD need absolute URLs, so only a build with a SITEURL
writes them.
"""

RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
FEED_ALL_JSON = "feed.json"
# The page that says what a feed is and gives its address to copy, linked beside every feed link.
SUBSCRIBE_SAVE_AS = "subscribe/index.html"
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

# The stylesheets minified, under names with a hash of their content (plugins/theme_files.py).
HASHED_STYLESHEET = True
