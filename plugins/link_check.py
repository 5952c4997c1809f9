"""Every link of the written site leads somewhere: checked once the site is written, whatever a link's form.

Each internal link and #fragment of every HTML page must lead to a file of the output and, for a
fragment, an element with that id. A broken one is reported once, with the pages it is on, against what
wrote it: the source file whose text holds it (at its line), else the setting that holds it (MENUITEMS,
LINKS, SOCIAL), else the theme's template. Where address settings disagree (plugins/site_checks.py says
so, in one line), the links the theme writes are broken because of it, and are not listed one by one.

A link from a page of the published site to a draft is a problem in the local build too: the published
site leaves drafts out, so the link would be broken there.

It runs as one of plugins/problems.py's final checks, at `finalized`, before the report.
"""

import os
import posixpath
import re
from collections import defaultdict
from html import unescape
from urllib.parse import unquote, urlsplit

from pelican import signals

from plugins import problems, public

# A start tag, and in it the attributes through which it links, or names a #fragment.
START_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
)
ATTRIBUTE = re.compile(
    r"""\s(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE
)
NOT_A_PAGE = ("mailto:", "tel:", "data:", "javascript:", "sms:")
LINK_PLACEHOLDER = re.compile(r"^\{\|?(?:filename|static|attach)\|?\}|^\|(?:filename|static|attach)\|")
# Settings whose links the theme prints as they are.
LINK_SETTINGS = ("MENUITEMS", "LINKS", "SOCIAL")

# Output file (relative to the output folder) -> what it shows and which template wrote it.
written_pages = {}
draft_files = {}  # output file -> the source file of the draft written there, in a build that writes drafts


def forget_pages(pelican):
    written_pages.clear()
    draft_files.clear()


def note_drafts(generators):
    for _, item in public.written_content(generators):
        if item.status == "draft" and item.save_as:
            draft_files[posixpath.normpath(item.save_as)] = item.source_path


def note_page(path, context):
    if path.endswith(".html"):
        page = os.path.relpath(path, context["OUTPUT_PATH"]).replace(os.sep, "/")
        template = context.get("template_name") or next(
            (name for name in ("article", "page") if name in context), ""
        )
        written_pages[page] = (public.shown_content(context), template)


class Page:
    """What an output page links to, and the ids its #fragments can name."""

    def __init__(self, html):
        self.links = []
        self.ids = set()
        for tag in START_TAG.findall(html):
            for name, *values in ATTRIBUTE.findall(tag):
                value = unescape("".join(values))
                if name.lower() in ("id", "name"):
                    self.ids.add(value)
                else:
                    self.links.append(value)


def site_path(link, page_path, siteurl, published=""):
    """The output file a link leads to, with its #fragment; None for a link off the site. A link to the
    address the site is published at (`published`) is one of the site's, in a local build too."""
    siteurl_path = urlsplit(siteurl).path.rstrip("/")  # a root-relative link must start with it
    for address in (siteurl, published):
        if address and (link == address or link.startswith(address + "/")):
            link, siteurl_path = link[len(address) :] or "/", ""
            break
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(NOT_A_PAGE):
        return None
    if not parts.path:
        return page_path, parts.fragment  # "#section": on this page
    if parts.path.startswith("/"):
        if not (parts.path + "/").startswith(siteurl_path + "/"):
            return None  # elsewhere on the same host
        path = parts.path[len(siteurl_path) :].lstrip("/")
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), parts.path))
    path = unquote(path)
    if path in ("", "."):
        path = "index.html"
    elif parts.path.endswith("/"):
        path = posixpath.join(path, "index.html")
    return path, parts.fragment


def check_links(pelican):
    """Every link and #fragment inside the written site leads to a file and an element of the site."""
    settings = pelican.settings
    output = pelican.output_path
    pages = {}
    for folder, _, files in os.walk(output):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as page:
                    pages[os.path.relpath(path, output).replace(os.sep, "/")] = Page(page.read())
    broken = defaultdict(set)  # (blamed source file or None, link, why) -> the pages it is on
    for page_path, page in pages.items():
        for link in page.links:
            target = site_path(link, page_path, settings["SITEURL"], settings.get("PUBLISHED_SITEURL", ""))
            why = target and what_is_missing(target, pages, output)
            if why:
                broken[(blame(page_path, link), link, why)].add(page_path)
            elif target and target[0] in draft_files and page_path not in draft_files:
                source = blame(
                    page_path, link
                )  # the theme lists drafts locally: only a post's own links count
                if source:
                    broken[(source, link, "draft")].add(page_path)
    for (source, link, why), on_pages in sorted(
        broken.items(), key=lambda item: (str(item[0][0]), item[0][1:])
    ):
        report_broken_link(source, link, why, sorted(on_pages), settings)


def what_is_missing(target, pages, output):
    """None when a link's target is on the site; else "page", or "fragment" for a page without the id."""
    path, fragment = target
    if path in pages:
        if not fragment or fragment in pages[path].ids or unquote(fragment) in pages[path].ids:
            return None
        return "fragment"
    # A file, "/posts/x" without its slash (served with the folder's index.html), or "/x" for x.html.
    candidates = (path, os.path.join(path, "index.html"), path + ".html")
    if any(os.path.isfile(os.path.join(output, candidate)) for candidate in candidates):
        return None
    return "page"


def blame(page_path, link):
    """The source file whose text holds a link, or None: then a setting or the theme's template made it."""
    shown, _ = written_pages.get(page_path, ([], ""))
    for item in shown:
        html = item.content + (getattr(item, "summary", "") or "")
        if f'"{link}"' in html or f"'{link}'" in html or f"={link}" in html:
            return item.source_path
    return None


def report_broken_link(source, link, why, on_pages, settings):
    where = "/" + on_pages[0] + (f" and {len(on_pages) - 1} more" if len(on_pages) > 1 else "")
    if why == "fragment":
        fragment = urlsplit(link).fragment
        message = f"links to {link}, but no element of that page has the id {fragment}."
    elif why == "draft":
        message = (
            f"links to {link}, a draft, which the published site leaves out: the link would be broken there. "
            "Publish the draft (remove its Status line), or link it once it is published."
        )
    elif LINK_PLACEHOLDER.match(link):
        target = link[LINK_PLACEHOLDER.match(link).end() :]
        base = settings["PATH"] if target.startswith("/") else os.path.dirname(source or "")
        missing = os.path.join(base, unquote(urlsplit(target).path).lstrip("/"))
        message = f"links to {link}, but {problems.shown(os.path.normpath(missing))} does not exist."
    else:
        message = f"links to {link}, which is not on the site (on {where}){static_advice(link, settings)}."
    if source is not None:
        # A link written as {filename}/b.md is found in the source by the file it names.
        target = (
            draft_files.get(site_path(link, on_pages[0], settings["SITEURL"])[0]) if why == "draft" else None
        )
        near = os.path.basename(target) if target and problems.line_of(source, link) == 0 else link
        problems.report(source, message, near=near)
        return
    holder = next((name for name in LINK_SETTINGS if link_in_setting(link, settings.get(name))), None)
    if holder:
        problems.report("", f"{holder} {message}")
    elif not settings.get("ADDRESS_SETTINGS_DISAGREE"):
        _, template = written_pages.get(on_pages[0], ([], ""))
        problems.report("", f"The theme's {template or 'page'} template {message}")


def link_in_setting(link, value):
    """Whether a setting of (label, link) pairs, such as MENUITEMS, holds the link."""
    try:
        return any(link in pair for pair in value or ())
    except TypeError:
        return False


def static_advice(link, settings):
    """ ": link it as {static}/images/a.png" when the content folder holds a file of that name."""
    name = posixpath.basename(unquote(urlsplit(link).path))
    if not name:
        return ""
    for folder, _, files in os.walk(settings["PATH"]):
        if name in files:
            relative = os.path.relpath(os.path.join(folder, name), settings["PATH"]).replace(os.sep, "/")
            return f": link it as {{static}}/{relative}"
    return ""


def register():
    if check_links not in problems.final_checks:
        problems.final_checks.append(check_links)
    signals.initialized.connect(forget_pages)
    signals.all_generators_finalized.connect(note_drafts)
    signals.content_written.connect(note_page)
