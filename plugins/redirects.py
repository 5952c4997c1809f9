"""A post keeps its former addresses: each one its front matter lists leads to it.

Authors who move a blog in often change its URL scheme. A post or page lists its old addresses as

    Aliases: /2019/08/old-post.html, old/path/

(`Alias:`, as the pelican-alias plugin spells it, works too; commas or spaces separate them). Each is an
address relative to the site's root, or a full URL on SITEURL's host, whose path is taken. For each:

- a page is written at that place (`old/path/` and `old/path` as old/path/index.html, `old.html` as
  itself) from theme/templates/redirect.html: it sends browsers on at once (meta refresh), names the
  post as canonical, asks search engines not to index it, and links to the post for the reader. It is
  in neither the sitemap (plugins/public.py) nor the search index (it has no data-pagefind-body);
- with REDIRECTS_SAVE_AS set (publishconf.py), a line in that file, `/old/path/ /posts/x/ 301`, in the
  format Netlify and Cloudflare Pages read; its paths start with SITEURL's own path, if it has one.
  Cloudflare Pages follows a redirect before any file; Netlify serves the page written there instead
  (a rule "shadowed" by a file), which sends the reader on as well.

An alias that is the address of another page of the site, that another post also claims, that leads
outside the output folder or off the site, or that has a ?query or #fragment (which a static host
never sees), is a problem, named with the line of the post's Aliases field; the post keeps its other
aliases, and the build goes on to find any other problem.

A site moved in from another (`invoke move-in`) also has former addresses that no post lists: a page of
the old theme's own (its sitemap.html), a draft Pelican published under drafts/. The FORMER_ADDRESSES
setting leads each to a page this site writes, old address -> new, both relative to the site's root ("" the
home page): `FORMER_ADDRESSES = {"sitemap.html": "archives.html"}`. Each gets a redirect page and a
_redirects line as an alias does, unless a page of the site (or a post's alias) answers at the old address
already: then the address works as it is. A new address where the site has no page is a problem of the
settings.

The pages are written by a generator of this plugin (Pelican's `get_generators`), after the posts, pages
and listings and before `finalized`, when plugins/link_check.py checks every link of the written site.
Aliases of drafts count only in a build that writes drafts (plugins/public.py drops them otherwise).
"""

import os
import posixpath
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from pelican import signals
from pelican.generators import Generator

from plugins import addresses, problems
from plugins.public import written_content

ALIAS_FIELDS = ("aliases", "alias")
# A front-matter line naming the field, in Markdown ("Aliases:") or reST (":aliases:").
ALIAS_FIELD_LINE = re.compile(r"^\s*:?(?:aliases|alias)\s*:", re.IGNORECASE)
# An old address never holds a space or a comma in practice, so either separates two of them.
ALIAS_SEPARATOR = re.compile(r"[,\s]+")
PAGE_FILE_SUFFIXES = (".html", ".htm")
TEMPLATE = "redirect"


class AliasProblem(ValueError):
    """Why an alias cannot lead to its post, in words for the author."""


@dataclass(frozen=True)
class Redirect:
    """One former address of a post: the path it was served at, and the file that now answers there."""

    alias: str  # as the author typed it
    address: str  # relative to the site's root: "2019/08/old-post.html", "old/path/", "" for the root
    save_as: str  # in the output folder: "2019/08/old-post.html", "old/path/index.html"
    content: object  # the post or page it leads to, or the Destination of a former address


@dataclass(frozen=True)
class Destination:
    """The page a former address of the site leads to, with what the redirect page shows of it."""

    url: str
    title: str  # HTML, as a post's title is
    plain_title: str
    description: str
    lang: str


def aliases_of(content):
    """The former addresses a post or page lists, in order, each once."""
    found = []
    for field in ALIAS_FIELDS:
        value = content.metadata.get(field, "")
        # Markdown gives a field written on several lines as a list of them.
        text = " ".join(value) if isinstance(value, list | tuple) else str(value)
        found += [alias for alias in ALIAS_SEPARATOR.split(text) if alias]
    return list(dict.fromkeys(found))


def site_path(alias, siteurl):
    """An alias as a path relative to the site's root ("/old/x/" -> "old/x/"); AliasProblem if it is off the site."""
    parts = urlsplit(alias)
    if parts.query or parts.fragment:
        raise AliasProblem("has a ?query or #fragment, which a static host never matches a file by")
    if not (parts.scheme or parts.netloc):
        return unquote(parts.path).lstrip("/")
    if parts.scheme not in ("http", "https", ""):
        raise AliasProblem("is not a web address")
    if not siteurl:
        # The local build has no SITEURL to compare the host with: the publish build does.
        return unquote(parts.path).lstrip("/")
    site = urlsplit(siteurl)
    if parts.hostname != site.hostname:
        raise AliasProblem(f"is on {parts.hostname}, not on this site's host, {site.hostname}")
    site_root = site.path.rstrip("/") + "/"
    if not (parts.path + "/").startswith(site_root):
        raise AliasProblem(f"is outside the site, which lives under {site_root}")
    return unquote(parts.path.removeprefix(site_root.rstrip("/"))).lstrip("/")


def redirect_for(alias, content, siteurl):
    """The Redirect an alias asks for; AliasProblem if it cannot have one."""
    path = site_path(alias, siteurl)
    address = posixpath.normpath(path) if path else ""
    if address == ".." or address.startswith("../"):
        raise AliasProblem("would be written outside the output folder")
    if address == ".":
        address = ""
    if address.lower().endswith(PAGE_FILE_SUFFIXES):
        return Redirect(alias, address, address, content)
    # Any other address is a folder, answered by its index.html, as the site's own pages are.
    save_as = posixpath.join(address, "index.html")
    if address and path.endswith("/"):
        address += "/"
    return Redirect(alias, address, save_as, content)


def alias_field_line(path):
    """The line of a source file's Aliases (or Alias) field, or 0."""
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for number, line in enumerate(source, start=1):
                if ALIAS_FIELD_LINE.match(line):
                    return number
    except OSError:
        pass
    return 0


def report(content, alias, why):
    source = content.source_path
    problems.report(source, f'has an alias, "{alias}", that {why}.', line=alias_field_line(source))


# What already answers at a place of the output folder: a written page, feed or static file.
# Output file (relative to the output folder) -> who put it there, in words.
taken_places = {}


def forget_places(pelican):
    taken_places.clear()


def note_written(path, context):
    place = os.path.relpath(path, context["OUTPUT_PATH"]).replace(os.sep, "/")
    content = next((context[name] for name in ("article", "page") if name in context), None)
    address = place.removesuffix("index.html")
    taken_places.setdefault(place, shown(content) if content else f"the page at /{address}")


def note_feed_written(path, context, feed):
    note_written(path, context)


class RedirectsGenerator(Generator):
    """Writes a page at each former address of a post, and the _redirects file."""

    redirects = ()  # until plan() has collected them

    def plan(self, generators):
        """Every post's and page's aliases, from Pelican's lists of what it writes."""
        # The local build has no SITEURL: aliases are checked against where the site is published.
        siteurl = self.settings["SITEURL"] or self.settings.get("PUBLISHED_SITEURL", "")
        redirects = []
        contents = sorted(
            (item for _, item in written_content(generators)), key=lambda item: item.source_path
        )
        for content in contents:
            if not content.save_as:  # Pelican writes no page for it: its aliases would lead nowhere
                for alias in aliases_of(content):
                    report(content, alias, "leads to no page: the post's save_as is empty")
                continue
            for alias in aliases_of(content):
                try:
                    redirects.append(redirect_for(alias, content, siteurl))
                except AliasProblem as problem:
                    report(content, alias, str(problem))
        self.redirects = redirects

    def generate_output(self, writer):
        """Runs after the posts, pages and listings are written: the places they took are known."""
        taken = {**self.static_files(), **taken_places}
        claimed = {}  # output file -> the redirect written there
        for redirect in self.redirects:
            holder = holder_of(redirect.save_as, taken)
            other = claimed.get(redirect.save_as)
            if holder == shown(redirect.content):
                report(redirect.content, redirect.alias, "is its own address")
            elif holder:
                report(redirect.content, redirect.alias, f"is the address of {holder}")
            elif other and other.content is not redirect.content:
                why = f"{shown(other.content)} also lists: a former address leads to one page only"
                report(redirect.content, redirect.alias, why)
            elif not other:
                claimed[redirect.save_as] = redirect
        for redirect in self.former_addresses(taken, claimed):
            claimed[redirect.save_as] = redirect
        for redirect in claimed.values():
            writer.write_file(
                redirect.save_as,
                self.get_template(TEMPLATE),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                redirect_target=redirect.content,
            )
        if self.settings.get("REDIRECTS_SAVE_AS"):
            self.write_redirects_file(list(claimed.values()))

    def former_addresses(self, taken, claimed):
        """The redirects of FORMER_ADDRESSES whose old address nothing of the site answers now."""
        redirects = []
        for old, new in (self.settings.get("FORMER_ADDRESSES") or {}).items():
            try:
                redirect = redirect_for(old, None, "")
            except AliasProblem as problem:
                problems.report("", f'FORMER_ADDRESSES has "{old}", which {problem}: remove it.')
                continue
            if holder_of(redirect.save_as, taken) or redirect.save_as in claimed:
                continue  # a page, a file or a post's alias is there: the old address works as it is
            if addresses.output_file_of(new) not in taken:
                problems.report(
                    "",
                    f'FORMER_ADDRESSES leads "{old}" to "{new}", where this site has no page: '
                    'name the address of one of its pages ("" for the home page).',
                )
                continue
            redirects.append(Redirect(old, redirect.address, redirect.save_as, self.destination(new)))
        return redirects

    def destination(self, address):
        """A former address's new page: a post or page of the site, one of the theme's, or the home page."""
        settings = self.settings
        written = [*self.context.get("articles", []), *self.context.get("pages", [])]
        written += [translation for item in written for translation in getattr(item, "translations", [])]
        content = next((item for item in written if item.url == address), None)
        if content:
            return Destination(address, content.title, content.plain_title, content.description, content.lang)
        pages = addresses.theme_pages(settings).values()
        name = next((page.name for page in pages if page.url == address and page.name != "index"), None)
        title = name.capitalize() if name else settings["SITENAME"]
        description = settings.get("SITESUBTITLE") or settings["SITENAME"]
        return Destination(address, escape(title), title, description, settings["DEFAULT_LANG"])

    def static_files(self):
        """The content's files copied as they are (images…), which Pelican copies after every page."""
        return {
            posixpath.normpath(static.save_as): problems.shown(static.source_path)
            for static in self.context["static_content"].values()
            if getattr(static, "save_as", None)
        }

    def write_redirects_file(self, redirects):
        site_root = urlsplit(self.settings["SITEURL"]).path.rstrip("/") + "/"
        lines = [
            "# Former addresses (posts' Aliases, FORMER_ADDRESSES), for Netlify and Cloudflare Pages: written by\n",
            "# plugins/redirects.py. A page at each address sends browsers on too, on any host.\n",
        ]
        for redirect in redirects:
            old = url_path(site_root + redirect.address)
            new = url_path(site_root + redirect.content.url)
            lines.append(f"{old} {new} 301\n")
        path = Path(self.output_path) / self.settings["REDIRECTS_SAVE_AS"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")


def holder_of(save_as, taken):
    """Who already has a place in the output folder: that file, or a file where it needs a folder."""
    place = save_as
    while place:
        if place in taken:
            return taken[place]
        place = posixpath.dirname(place)
    return None


def shown(content):
    return problems.shown(content.source_path)


def url_path(path):
    """A path as a URL spells it: "/2019/café/" -> "/2019/caf%C3%A9/"; hosts read _redirects so."""
    return quote(unquote(path), safe="/")


def add_generator(pelican):
    return RedirectsGenerator


def plan_redirects(generators):
    for generator in generators:
        if isinstance(generator, RedirectsGenerator):
            generator.plan(generators)


def register():
    signals.initialized.connect(forget_places)
    signals.get_generators.connect(add_generator)
    signals.all_generators_finalized.connect(plan_redirects)
    signals.content_written.connect(note_written)
    signals.feed_written.connect(note_feed_written)
