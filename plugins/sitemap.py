"""Write sitemap.xml (https://www.sitemaps.org/protocol.html) and a robots.txt that names it.

Every HTML page Pelican writes is listed, except those plugins/public.py leaves out of search engines:
drafts, hidden pages, the 404 page and posts' former addresses. A page's lastmod is the newest date
(modified, else published) of the posts or page it shows, so it changes only when content does, never
with the build time; a page that shows nothing dated has none.
Sitemaps need absolute URLs, so both files are written only when SITEMAP_SAVE_AS is set
(publishconf.py sets it).
"""

from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals

from plugins import public

# Output file -> lastmod (or None) of every listed page of the current build.
listed_pages = {}


def forget_pages(pelican):
    listed_pages.clear()


def content_shown(context):
    """The posts or page a written page shows: itself for a post or page, else its listing."""
    for name in ("article", "page"):
        if name in context:
            return [context[name]]
    if "articles_page" in context:
        return context["articles_page"].object_list
    return context.get("dates", [])


def last_modified(content):
    dates = [getattr(item, "modified", None) or getattr(item, "date", None) for item in content]
    dates = [date for date in dates if date]
    return max(dates) if dates else None


def note_page(path, context):
    if not context.get("SITEMAP_SAVE_AS") or not path.endswith(".html"):
        return
    content = content_shown(context)
    if public.is_indexed(context, content):
        listed_pages[context["output_file"]] = last_modified(content)


def page_url(siteurl, output_file):
    """The address a page is served at: "posts/x/index.html" is served as "posts/x/"."""
    return f"{siteurl}/{output_file.removesuffix('index.html')}"


def sitemap(siteurl):
    entries = []
    for output_file, lastmod in sorted(listed_pages.items()):
        entry = f"<loc>{escape(page_url(siteurl, output_file))}</loc>"
        if lastmod:
            entry += f"<lastmod>{lastmod.isoformat()}</lastmod>"
        entries.append(f"  <url>{entry}</url>\n")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{''.join(entries)}</urlset>\n"
    )


def write_sitemap(pelican):
    settings = pelican.settings
    if not settings.get("SITEMAP_SAVE_AS"):
        return
    siteurl = settings["SITEURL"]
    if not siteurl:
        raise ValueError("SITEMAP_SAVE_AS is set but SITEURL is empty: a sitemap needs absolute URLs.")
    output = Path(pelican.output_path)
    (output / settings["SITEMAP_SAVE_AS"]).write_text(sitemap(siteurl), encoding="utf-8")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/{settings['SITEMAP_SAVE_AS']}\n"
    (output / "robots.txt").write_text(robots, encoding="utf-8")
    listed_pages.clear()


def register():
    signals.initialized.connect(forget_pages)
    signals.content_written.connect(note_page)
    signals.finalized.connect(write_sitemap)
