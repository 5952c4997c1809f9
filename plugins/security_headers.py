"""Write the _headers file Netlify and Cloudflare Pages read: security headers, with a Content-Security-
Policy that allows what the posts and pages embed, and how long browsers may keep the theme's files.

The theme alone needs little: its stylesheets, images and scripts from the site itself, and on the
search page Pagefind's index, worker and WebAssembly. The policy allows that and denies the rest.
Authors embed more: an image or a video from another host, a YouTube iframe, a gist's script, a
`style=` attribute Markdown or reST writes. So the HTML of every post and page (its text and summary,
not the theme's markup) is read for what a browser loads from it, and the policy allows exactly that:

- <img>, <picture><source>, <video poster>: img-src; <video>, <audio>, their <source> and <track>:
  media-src; <iframe>: frame-src; <embed>, <object>: object-src; <script src>: script-src;
  <link rel="stylesheet">: style-src. The site's own files are 'self'; another host's, its origin
  (https://host[:port]). An http:// source is allowed too, with a note: on an https page browsers
  upgrade it or block it.
- a `style=` attribute: style-src-attr 'unsafe-inline'; a <style> element: style-src-elem
  'unsafe-inline', with style-src's sources, which it replaces for <link> and <style> elements.

An inline <script> in a post is never allowed ('unsafe-inline' in script-src would let any injected
script run): it gets a note saying it will not run. CONTENT_SECURITY_POLICY, a dict of directive ->
extra sources ({"img-src": ["https:"]}), relaxes the policy further by hand, except for inline scripts.
The file names, in comments, what each added source is for.

Cache rules: the publish build names the stylesheets by their content (plugins/theme_files.py), so they
may be kept for a year; the theme's other files keep their names when they change, so they are kept an
hour. One rule per folder of the theme's static files (per file in the stylesheets' folder), so that no
two rules match one file: Netlify and Cloudflare Pages combine the headers of every rule that matches.

Written only when HEADERS_SAVE_AS is set (publishconf.py), by a generator of this plugin that runs after
the posts and pages are written, so it reads their finished HTML.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals

from plugins import images, problems, theme_files
from plugins.public import written_content

# What the theme needs; the order is the order in the written header.
THEME_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}
# Through which attributes an element loads something, and the directive that allows it.
LOADING_ATTRIBUTES = {
    "img": {"src": "img-src", "srcset": "img-src"},
    "video": {"src": "media-src", "poster": "img-src"},
    "audio": {"src": "media-src"},
    "track": {"src": "media-src"},
    "iframe": {"src": "frame-src"},
    "embed": {"src": "object-src"},
    "object": {"data": "object-src"},
    "script": {"src": "script-src"},
}
# A <source> loads an image inside <picture>, and media inside <video> or <audio>.
SOURCE_PARENTS = {"picture": "img-src", "video": "media-src", "audio": "media-src"}
# A <script> of these types (or none) is JavaScript, which the browser runs; others are data.
SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript"}
INLINE = "'unsafe-inline'"
# Keywords that would let scripts run that are not the site's own files.
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}
DIRECTIVE_NAME = re.compile(r"[a-z][a-z-]*")
ONE_SOURCE = re.compile(r"[^\s;,]+")  # a source is one token: a space or ";" would start another
YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"


class Embeds(HTMLParser):
    """What a post's HTML makes the browser load or apply, by the directive that allows it."""

    def __init__(self):
        super().__init__()
        self.urls = []  # (directive, URL)
        self.inline_styles = set()  # the directives that allow them: style-src-attr, style-src-elem
        self.inline_scripts = 0
        self.media_parents = []  # the open <picture>, <video> and <audio> elements

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "style" in attributes:
            self.inline_styles.add("style-src-attr")
        if tag == "style":
            self.inline_styles.add("style-src-elem")
        elif tag == "link" and "stylesheet" in attributes.get("rel", "").lower().split():
            self.add_urls("style-src", attributes, ("href",))
        elif tag == "source" and self.media_parents:
            self.add_urls(SOURCE_PARENTS[self.media_parents[-1]], attributes, ("src", "srcset"))
        elif tag == "script" and not attributes.get("src"):
            self.inline_scripts += attributes.get("type", "").lower() in SCRIPT_TYPES
        for name, directive in LOADING_ATTRIBUTES.get(tag, {}).items():
            self.add_urls(directive, attributes, (name,))
        if tag in SOURCE_PARENTS:
            self.media_parents.append(tag)

    def handle_endtag(self, tag):
        # Back to the element that closes, past any left unclosed in it; a stray end tag closes nothing.
        if tag in self.media_parents:
            while self.media_parents.pop() != tag:
                pass

    def add_urls(self, directive, attributes, names):
        for name in names:
            value = attributes.get(name, "").strip()
            urls = srcset_urls(value) if name == "srcset" else [value]
            self.urls += [(directive, url) for url in urls if url]


def srcset_urls(srcset):
    """ "a.png 1x, https://x.org/b.png 2x" -> ["a.png", "https://x.org/b.png"]."""
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def source_for(url, site_origin):
    """The policy source that allows a URL: 'self', "https://host[:port]", or None (data:, blob:…)."""
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return "'self'"  # relative to the page: the site's own
    # "//host/x" takes the page's scheme: https, once published.
    scheme = (parts.scheme or "https").lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    default_port = {"http": 80, "https": 443}[scheme]
    origin = f"{scheme}://{parts.hostname}" + (f":{port}" if port and port != default_port else "")
    return "'self'" if origin == site_origin else origin


class ContentSources:
    """The sources the posts and pages need, each with the files that need it."""

    def __init__(self, site_origin):
        self.site_origin = site_origin
        self.needed_by = defaultdict(set)  # (directive, source) -> source files

    def read(self, content):
        embeds = Embeds()
        embeds.feed(content.content + (getattr(content, "summary", "") or ""))
        embeds.close()
        needs = {(directive, INLINE) for directive in embeds.inline_styles}
        for directive, url in embeds.urls:
            source = source_for(url, self.site_origin)
            if source:
                needs.add((directive, source))
            if source and source.startswith("http:"):
                problems.report(
                    content.source_path,
                    f"loads {url} over http, which browsers upgrade to https or block on an https page: "
                    "write https:// if its host serves it.",
                    near=url,
                    note=True,
                )
        for need in needs:
            self.needed_by[need].add(content.relative_source_path)
        if embeds.inline_scripts:
            problems.report(
                content.source_path,
                "has a <script> written into the page, which will not run: the Content-Security-Policy "
                "allows only script files (<script src>), so that no injected script can run.",
                near="<script",
                note=True,
            )


def content_security_policy(content_sources, extra_sources):
    """{directive: sources}: the theme's policy, plus what the content needs and the settings add."""
    policy = {directive: list(sources) for directive, sources in THEME_POLICY.items()}
    added = sorted(content_sources) + [
        (directive, source) for directive, sources in extra_sources.items() for source in sources
    ]
    for directive, source in added:
        sources = policy.setdefault(directive, [])
        if source not in sources:
            sources.append(source)
    if "style-src-elem" in policy:
        # It replaces style-src for <link> and <style> elements: the stylesheets style-src allows stay allowed.
        policy["style-src-elem"] = list(dict.fromkeys(policy["style-src"] + policy["style-src-elem"]))
    return policy


def policy_header(policy):
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def checked_extra_sources(settings):
    """CONTENT_SECURITY_POLICY, checked: a dict of directive -> sources, never an inline script."""
    extra = settings.get("CONTENT_SECURITY_POLICY") or {}
    if not isinstance(extra, dict):
        raise ValueError(
            'CONTENT_SECURITY_POLICY is a dict of directive -> sources: {"img-src": ["https:"]}.'
        )
    for directive, sources in extra.items():
        if not (isinstance(directive, str) and DIRECTIVE_NAME.fullmatch(directive)):
            raise ValueError(f"CONTENT_SECURITY_POLICY: {directive!r} is not a directive name, like img-src.")
        if isinstance(sources, str) or not all(
            isinstance(source, str) and ONE_SOURCE.fullmatch(source) for source in sources
        ):
            raise ValueError(
                f'CONTENT_SECURITY_POLICY["{directive}"] is a list of sources, one word each: ["https:"].'
            )
        unsafe = UNSAFE_SCRIPT_SOURCES.intersection(sources)
        if directive.startswith("script-src") and unsafe:
            raise ValueError(
                f"CONTENT_SECURITY_POLICY may not add {', '.join(sorted(unsafe))} to {directive}: "
                "the site runs only script files, so that no script injected into a page can run."
            )
    return extra


def theme_cache_rules(settings):
    """(path pattern, Cache-Control) for the files the theme gives the site; no two patterns match one file."""
    theme_root = "/" + settings["THEME_STATIC_DIR"]
    stylesheets = set(theme_files.STYLESHEETS.values())
    rules = []
    if settings.get("HASHED_STYLESHEET"):
        rules += [
            (theme_files.hashed_pattern(settings, stylesheet), YEAR) for stylesheet in sorted(stylesheets)
        ]
    folders_of_stylesheets = {stylesheet.parts[0] for stylesheet in stylesheets}
    entries = {}
    for static_path in settings["THEME_STATIC_PATHS"]:
        folder = Path(settings["THEME"]) / static_path
        entries.update({entry.name: entry for entry in folder.iterdir()} if folder.is_dir() else {})
    for name, entry in sorted(entries.items()):
        if name in folders_of_stylesheets and entry.is_dir():
            # Each file a rule of its own: a pattern for the folder would match the hashed copies too.
            files = sorted(path for path in entry.rglob("*") if path.is_file())
            rules += [(f"{theme_root}/{path.relative_to(entry.parent).as_posix()}", HOUR) for path in files]
        elif entry.is_dir():
            rules.append((f"{theme_root}/{name}/*", HOUR))
        else:
            rules.append((f"{theme_root}/{name}", HOUR))
    return rules


def image_cache_rules(settings):
    """The sizes of posts' images are named by their content (plugins/images.py): kept for a year."""
    folder = images.image_settings(settings).variants_path
    return [(f"/{folder}/*", YEAR)] if folder else []


def listed(paths, most=3):
    """ "content/a.md, content/b.md and 2 more"."""
    paths = sorted(paths)
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


def headers_file(content_sources, extra_sources, settings):
    """The text of _headers: the policy, and the comments that say what each part of it is for."""
    policy = content_security_policy(content_sources, extra_sources)
    lines = [
        "# HTTP headers for Netlify and Cloudflare Pages, which read this file from the site's root. Written by",
        "# plugins/security_headers.py from what the posts and pages embed.",
        "# The theme has no inline scripts or styles and nothing from another origin, so the policy allows the",
        "# site's own stylesheets, images and scripts, and denies everything else. The one script, on the",
        "# search page, runs Pagefind: it fetches its index (connect-src), starts a worker (worker-src) and",
        "# compiles its WebAssembly ('wasm-unsafe-eval', which allows WebAssembly only, not JavaScript eval).",
    ]
    if content_sources:
        lines.append(
            "# The posts and pages embed more, which the policy allows; each source, and the files that need it:"
        )
        lines += [
            f"#   {directive} {source}: {listed(paths)}"
            for (directive, source), paths in sorted(content_sources.items())
        ]
    if extra_sources:
        lines.append("# CONTENT_SECURITY_POLICY, in the settings, adds:")
        lines += [f"#   {directive} {' '.join(sources)}" for directive, sources in extra_sources.items()]
    lines += [
        "/*",
        f"  Content-Security-Policy: {policy_header(policy)}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "",
        "# Caching. The publish build names the stylesheets (main.<hash>.css) and the sizes of posts' images",
        "# by their content, so a browser may keep them for a year: a changed file has a new name. The theme's",
        "# other files keep their names when they change, so they are kept for an hour. The rules do not",
        "# overlap: Netlify and Cloudflare Pages combine the headers of every rule that matches a path.",
    ]
    for pattern, cache_control in theme_cache_rules(settings) + image_cache_rules(settings):
        lines += [pattern, f"  Cache-Control: {cache_control}"]
    return "\n".join(lines) + "\n"


def site_origin(siteurl):
    parts = urlsplit(siteurl)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""


class HeadersGenerator:
    """Writes HEADERS_SAVE_AS once the posts and pages are written. Pelican makes it (`get_generators`) as
    it makes its own generators; it needs none of their templates or readers, so it is not one of them."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings
        self.output_path = output_path
        self.contents = []  # every post and page the build writes, given by give_contents()

    def generate_output(self, writer):
        save_as = self.settings.get("HEADERS_SAVE_AS")
        if not save_as:
            return
        sources = ContentSources(site_origin(self.settings["SITEURL"]))
        for content in sorted(self.contents, key=lambda item: item.source_path):
            sources.read(content)
        text = headers_file(sources.needed_by, checked_extra_sources(self.settings), self.settings)
        path = Path(self.output_path) / save_as
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check_setting(pelican):
    """A mistyped CONTENT_SECURITY_POLICY stops every build, the local one too, before anything is read."""
    checked_extra_sources(pelican.settings)


def add_generator(pelican):
    return HeadersGenerator


def give_contents(generators):
    for generator in generators:
        if isinstance(generator, HeadersGenerator):
            generator.contents = [item for _, item in written_content(generators)]


def register():
    signals.initialized.connect(check_setting)
    signals.get_generators.connect(add_generator)
    signals.all_generators_finalized.connect(give_contents)
