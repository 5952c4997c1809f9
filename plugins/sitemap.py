"""Write sitemap.xml (https://www.sitemaps.org/protocol.html) and a robots.txt that names it.

Every HTML page Pelican writes that search engines should index is listed (plugins/public.py decides:
not drafts, hidden posts, the 404 page or redirects). A page's lastmod is the newest date (modified,
else published) of the posts or page it shows, so it changes only when content does, never with the
build time; a page that shows nothing dated has none. A post or page in several languages names its
translations (hreflang), as Google reads them from a sitemap. Sitemaps need absolute URLs, so both
files are written only when SITEMAP_SAVE_AS is set (publishconf.py sets it) with a SITEURL; a robots.txt
the author's content brings is kept.
"""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pelican import signals

from plugins import addresses, public

# Output file -> (lastmod or None, [(language, URL) of its versions]) of every listed page of the build.
listed_pages = {}


def forget_pages(pelican):
    listed_pages.clear()


def last_modified(content):
    dates = [getattr(item, "modified", None) or getattr(item, "date", None) for item in content]
    dates = [date for date in dates if date]
    return max(dates) if dates else None


def versions(context, siteurl):
    """(language, URL) of a post's or page's own page and its translations; none for a listing."""
    item = context.get("article") or context.get("page")
    if not getattr(item, "translations", None):
        return []
    return sorted((version.lang, f"{siteurl}/{version.url}") for version in [item, *item.translations])


def note_page(path, context):
    if not (context.get("SITEMAP_SAVE_AS") and context.get("SITEURL")) or not path.endswith(".html"):
        return
    if public.is_indexed(context):
        content = public.shown_content(context)
        listed_pages[context["output_file"]] = (last_modified(content), versions(context, context["SITEURL"]))


def page_url(siteurl, output_file):
    return f"{siteurl}/{addresses.address_of(output_file)}"


def sitemap(siteurl):
    entries = []
    for output_file, (lastmod, languages) in sorted(listed_pages.items()):
        entry = f"<loc>{escape(page_url(siteurl, output_file))}</loc>"
        if lastmod:
            entry += f"<lastmod>{lastmod.isoformat()}</lastmod>"
        for language, url in languages:
            entry += f'<xhtml:link rel="alternate" hreflang={quoteattr(language)} href={quoteattr(url)}/>'
        entries.append(f"  <url>{entry}</url>\n")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{''.join(entries)}</urlset>\n"
    )


def write_sitemap(pelican):
    settings = pelican.settings
    if not (settings.get("SITEMAP_SAVE_AS") and settings["SITEURL"]):
        return
    siteurl = settings["SITEURL"]
    output = Path(pelican.output_path)
    (output / settings["SITEMAP_SAVE_AS"]).write_text(sitemap(siteurl), encoding="utf-8")
    # An author's own robots.txt (copied from the content folder, say extra/robots.txt) wins.
    robots = output / "robots.txt"
    if not robots.exists():
        robots.write_text(
            f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/{settings['SITEMAP_SAVE_AS']}\n", encoding="utf-8"
        )
    listed_pages.clear()


def register():
    signals.initialized.connect(forget_pages)
    signals.content_written.connect(note_page)
    signals.finalized.connect(write_sitemap)
