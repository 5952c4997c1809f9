"""The site's feeds: Pelican's Atom and RSS, completed, and a JSON Feed of its own.

- Every Atom feed names an XSL stylesheet (FEED_STYLESHEET), so a browser shows it as a page of the
  site rather than raw XML. Pelican hands the feed to feedgenerator, which writes the whole document
  in one call and cannot add an <?xml-stylesheet?> processing instruction; Pelican's feed_written
  signal fires once the file is complete, so the instruction is inserted there, after the XML
  declaration. Feed readers ignore it. The stylesheet must be served from the feeds' own origin.
- A feed's link to the site leads to its home page, wherever INDEX_SAVE_AS puts it (Pelican links
  the site's root, which a blog under blog/ leaves empty).
- FEED_ALL_JSON: a JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of all posts, which Pelican
  does not write.

Feeds need absolute URLs: they are written only with a SITEURL (publishconf.py sets both).
"""

import json
from pathlib import Path

from feedgenerator import Atom1Feed
from markupsafe import Markup
from pelican import signals

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def home_page_url(settings):
    return f"{settings['SITEURL']}/{settings.get('INDEX_SAVE_AS', 'index.html').removesuffix('index.html')}"


def link_the_home_page(context, feed):
    feed.feed["link"] = home_page_url(context)


def add_stylesheet(path, context, feed):
    stylesheet = context.get("FEED_STYLESHEET")
    if not stylesheet or not isinstance(feed, Atom1Feed):
        return
    feed_file = Path(path)
    declaration, rest = feed_file.read_text(encoding="utf-8").split("?>", 1)
    instruction = f'<?xml-stylesheet type="text/xsl" href="{context["SITEURL"]}/{stylesheet}"?>'
    feed_file.write_text(f"{declaration}?>\n{instruction}{rest}", encoding="utf-8")


def plain_text(html):
    """Pelican's titles and summaries are typogrified HTML; feed readers expect text."""
    return Markup(html).striptags()


def json_feed_item(article, siteurl):
    url = f"{siteurl}/{article.url}"
    item = {
        # The permalink: unique, and unchanged when the post is edited.
        "id": url,
        "url": url,
        "title": article.plain_title,
        "content_html": article.get_content(siteurl),
        "summary": article.description,
        "date_published": article.date.isoformat(),
        "tags": [tag.name for tag in getattr(article, "tags", [])],
        "language": article.lang,
    }
    if hasattr(article, "modified"):
        item["date_modified"] = article.modified.isoformat()
    authors = getattr(article, "authors", [])
    if authors:
        item["authors"] = [{"name": author.name, "url": f"{siteurl}/{author.url}"} for author in authors]
    return item


def json_feed(articles, settings):
    siteurl = settings["SITEURL"]
    feed = {
        "version": JSON_FEED_VERSION,
        "title": plain_text(settings["SITENAME"]),
        "home_page_url": home_page_url(settings),
        "feed_url": f"{settings['FEED_DOMAIN']}/{settings['FEED_ALL_JSON']}",
        "language": settings["DEFAULT_LANG"],
        "items": [json_feed_item(article, siteurl) for article in articles[: settings["FEED_MAX_ITEMS"]]],
    }
    if settings.get("SITESUBTITLE"):
        feed["description"] = settings["SITESUBTITLE"]
    return feed


def write_json_feed(generator, writer):
    settings = generator.settings
    if not (settings.get("FEED_ALL_JSON") and settings["SITEURL"]):
        return
    path = Path(generator.output_path) / settings["FEED_ALL_JSON"]
    path.parent.mkdir(parents=True, exist_ok=True)
    feed = json_feed(generator.articles, settings)
    path.write_text(json.dumps(feed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def register():
    signals.feed_generated.connect(link_the_home_page)
    signals.feed_written.connect(add_stylesheet)
    signals.article_writer_finalized.connect(write_json_feed)
