"""Write a JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of all posts to FEED_ALL_JSON.

Pelican writes Atom and RSS but no JSON Feed. Like its feeds, this one needs absolute URLs,
so it is written only when FEED_ALL_JSON is set (publishconf.py sets it) with a SITEURL.
"""

import json
from pathlib import Path

from markupsafe import Markup
from pelican import signals

VERSION = "https://jsonfeed.org/version/1.1"


def plain_text(html):
    """Pelican's titles and summaries are typogrified HTML; feed readers expect text."""
    return Markup(html).striptags()


def feed_item(article, siteurl):
    url = f"{siteurl}/{article.url}"
    item = {
        # The permalink: unique, and unchanged when the post is edited.
        "id": url,
        "url": url,
        "title": plain_text(article.title),
        "content_html": article.get_content(siteurl),
        "summary": plain_text(article.summary),
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
        "version": VERSION,
        "title": plain_text(settings["SITENAME"]),
        "home_page_url": f"{siteurl}/",
        "feed_url": f"{settings['FEED_DOMAIN']}/{settings['FEED_ALL_JSON']}",
        "language": settings["DEFAULT_LANG"],
        "items": [feed_item(article, siteurl) for article in articles[: settings["FEED_MAX_ITEMS"]]],
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
    signals.article_writer_finalized.connect(write_json_feed)
