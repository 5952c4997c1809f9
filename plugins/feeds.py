"""The site's feeds: Pelican's Atom and RSS, completed, and a JSON Feed of its own.

- Feeds stay plain XML, for feed readers: a visitor who follows a feed link in a browser is better
  served by the site's subscribe page (theme/templates/subscribe.html: what a feed is, the addresses
  to copy), linked beside every feed link, than by an XSLT stylesheet, which browsers are removing.
- A feed's link to the site leads to its home page, wherever INDEX_SAVE_AS puts it (Pelican links
  the site's root, which a blog under blog/ leaves empty).
- Every entry names its author: the post's authors, or the site itself (SITENAME, with its home page)
  when the post names none; Pelican writes an empty <name/> then, which RFC 4287 (section 3.2.1)
  forbids. feedgenerator writes one author per entry, so a post by several names them all in it.
- RSS guids are Pelican's tag: URIs, which are not URLs, so they say isPermaLink="false" (RSS 2.0
  assumes a permalink otherwise); they are kept, not replaced by the post's URL, so that readers
  already subscribed see no post twice.
- A responsive image (plugins/images.py's <picture>) is one absolute, mid-size <img>: feed readers
  ignore srcset and <source>.
- Links and images in a post's text are absolute: a feed reader resolves nothing against the site.
  Pelican makes {filename} and {static} links absolute, but not "/images/a.png" or "a.png" written by
  hand: those are resolved against the post's own address, as a browser on the site resolves them.
- The feeds name the site's language, and its LICENSE, when it has one (Atom <rights>, RSS <copyright>).
- FEED_ALL_JSON: a JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of all posts, which Pelican
  does not write.

These changes are made on the feedgenerator object Pelican hands over before writing it
(`feed_generated`): its public `feed` and `items` dictionaries.

Feeds need absolute URLs: they are written only with a SITEURL (publishconf.py sets both).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals

from plugins import addresses, images

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# A start tag, and in it an attribute that holds a URL (srcset holds several). Only start tags: a
# code sample showing `<a href="/x">` is text, its "<" escaped, and is left as it is.
START_TAG = re.compile(r"<[a-zA-Z][^>]*>")
URL_ATTRIBUTE = re.compile(r"""(\s(?:href|src|poster|cite)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)
SRCSET_ATTRIBUTE = re.compile(r"""(\ssrcset\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)


@dataclass(frozen=True)
class Feed:
    """A feed as pages link it: its kind's media type, its address, and a name for it."""

    media_type: str
    url: str
    title: str


MEDIA_TYPES = {"ATOM": "application/atom+xml", "RSS": "application/rss+xml", "JSON": "application/feed+json"}
FORMAT_NAMES = {"ATOM": "Atom", "RSS": "RSS", "JSON": "JSON Feed"}
# The settings of the site's own feeds, in the order pages list them.
SITE_FEEDS = ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS", "FEED_ALL_JSON")
# The feeds of one category, tag or author: their settings' prefix.
TERM_FEEDS = {"category": "CATEGORY_FEED", "tag": "TAG_FEED", "author": "AUTHOR_FEED"}


@pass_context
def feeds_of(context, term=None, kind=None):
    """The feeds a page links: the site's, or, given a term and its kind ("tag"), that term's own."""
    settings = context
    if term is None:
        found = {}  # address -> format: FEED_ALL_ATOM and FEED_ATOM are often one file, linked once
        for name in SITE_FEEDS:
            if settings.get(name):
                found.setdefault(settings[name], name.rsplit("_", 1)[1])
        return [
            Feed(
                MEDIA_TYPES[media],
                f"{settings['FEED_DOMAIN']}/{path}",
                f"{settings['SITENAME']} ({FORMAT_NAMES[media]})",
            )
            for path, media in found.items()
        ]
    prefix = TERM_FEEDS[kind]
    return [
        Feed(
            MEDIA_TYPES[media],
            f"{settings['FEED_DOMAIN']}/{settings[f'{prefix}_{media}'].format(slug=term.slug)}",
            f"{settings['SITENAME']}: {term} ({FORMAT_NAMES[media]})",
        )
        for media in ("ATOM", "RSS")
        if settings.get(f"{prefix}_{media}")
    ]


def site_as_author(settings):
    """Who wrote a post that names nobody: the site, as a name and the address of its home page."""
    return {"name": plain_text(settings["SITENAME"]), "url": addresses.home_url(settings)}


def licence_text(settings):
    """The LICENSE setting as feeds state rights: in words, with the licence's address."""
    licence = settings.get("LICENSE")
    return f"{licence['name']} ({licence['url']})" if licence else None


def absolute_links(html, base_url):
    """The HTML with every link and image address in its start tags made absolute against base_url."""
    if not html:
        return html

    def absolute(match):
        return f"{match.group(1)}{match.group(2)}{urljoin(base_url, match.group(3).strip())}{match.group(2)}"

    def absolute_candidates(match):
        candidates = [candidate.strip().split(maxsplit=1) for candidate in match.group(3).split(",")]
        value = ", ".join(" ".join([urljoin(base_url, url), *rest]) for url, *rest in candidates if url)
        return f"{match.group(1)}{match.group(2)}{value}{match.group(2)}"

    def absolute_tag(match):
        return SRCSET_ATTRIBUTE.sub(absolute_candidates, URL_ATTRIBUTE.sub(absolute, match.group(0)))

    return START_TAG.sub(absolute_tag, html)


def for_feed_readers(html, base_url, settings):
    """A post's HTML as a feed carries it: each <picture> one plain <img> (feed readers ignore srcset),
    every address absolute."""
    if html and "<picture" in html:
        html = images.feed_markup(html, settings["SITEURL"] or base_url)
    return absolute_links(html, base_url)


def posts_by_url(context):
    """Each post a feed may carry, by its absolute address, as feed items name them."""
    siteurl = context["SITEURL"]
    posts = [*context.get("articles", []), *context.get("translations", [])]
    return {f"{siteurl}/{post.url}": post for post in posts}


def complete_the_feed(context, feed):
    """Make Pelican's feed valid for every reader before it is written (see the module's docstring)."""
    feed.feed["link"] = addresses.home_url(context)
    feed.feed["language"] = context["DEFAULT_LANG"]
    feed.feed["feed_copyright"] = licence_text(context)
    posts = posts_by_url(context)
    for item in feed.items:
        complete_item(item, posts.get(item["link"]), context)


def complete_item(item, post, settings):
    authors = getattr(post, "authors", None) or []
    if authors:
        item["author_name"] = ", ".join(author.name for author in authors)  # plain text, as written
        item["author_link"] = f"{settings['SITEURL']}/{authors[0].url}" if len(authors) == 1 else None
    elif not item["author_name"]:
        site = site_as_author(settings)
        item["author_name"], item["author_link"] = site["name"], site["url"]
    item["unique_id_is_permalink"] = False
    for field in ("content", "description"):
        item[field] = for_feed_readers(item[field], item["link"], settings)


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
        "content_html": for_feed_readers(article.get_content(siteurl), url, {"SITEURL": siteurl}),
        "summary": article.description,
        "date_published": article.date.isoformat(),
        "tags": [tag.name for tag in getattr(article, "tags", [])],
        "language": article.lang,
    }
    if hasattr(article, "modified"):
        item["date_modified"] = article.modified.isoformat()
    # Without authors of its own, an item has the feed's: the site (JSON Feed 1.1, "authors").
    authors = getattr(article, "authors", [])
    if authors:
        item["authors"] = [{"name": author.name, "url": f"{siteurl}/{author.url}"} for author in authors]
    image = getattr(article, "social_image", None)
    if image:
        item["image"] = image.url
    return item


def json_feed(articles, settings):
    siteurl = settings["SITEURL"]
    feed = {
        "version": JSON_FEED_VERSION,
        "title": plain_text(settings["SITENAME"]),
        "home_page_url": addresses.home_url(settings),
        "feed_url": f"{settings['FEED_DOMAIN']}/{settings['FEED_ALL_JSON']}",
        "language": settings["DEFAULT_LANG"],
        "authors": [site_as_author(settings)],
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


def add_to_templates(pelican):
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}), "feeds_of": feeds_of}


def register():
    signals.initialized.connect(add_to_templates)
    signals.feed_generated.connect(complete_the_feed)
    signals.article_writer_finalized.connect(write_json_feed)
