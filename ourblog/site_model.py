"""The site as a build of its sources sees it, and which of its pages a change reaches.

A *model run* is Pelican run as a build runs, from its content cache and with every plugin, but
with a writer that keeps each page's `write_file` call instead of rendering it (RecordingWriter):
every page is then known with the template and values it would be rendered from, and any of them
can be rendered on its own, with Pelican's own Writer. preview.py renders from two such models
the pages the dependency rule (`pages_to_render`) says may differ.
"""

import hashlib
import posixpath
from dataclasses import dataclass, field

from build import run_pelican
from jinja2 import meta
from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

# The model run -----------------------------------------------------------------------------------


@dataclass(eq=False)
class PageCall:
    """One call a build makes to Pelican's writer: a page, a paginated listing or a feed."""

    method: str  # "write_file" or "write_feed"
    args: tuple
    options: dict
    files: list = field(default_factory=list)  # what it writes, relative to the output folder

    @property
    def key(self):
        """The same page in another model run: its method and first file (write_feed's path)."""
        if self.method == "write_file":
            return (self.method, self.args[0])
        return (self.method, self.options.get("path", self.args[2] if len(self.args) > 2 else None))

    @property
    def template(self):
        return self.args[1] if self.method == "write_file" else None

    @property
    def context(self):
        return self.args[2] if self.method == "write_file" else self.args[1]


class Unrendered:
    """Stands in for a page's template in a model run: notes the file it is written to, renders nothing."""

    def __init__(self, call):
        self.call = call

    def render(self, page_context):
        self.call.files.append(page_context["output_file"])
        return ""


class RecordingWriter(Writer):
    """Pelican's writer, keeping each call to render it later; each page is written, but empty.

    Written, because plugins learn from each written page (its place, what it shows); empty, because
    rendering is most of a build's time. Pelican makes its writer itself (`get_writer`), so the
    recording it fills is a class attribute: `recording_writer()` makes one class per model run."""

    recording = None

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.recording.settings = settings

    def write_file(self, name, template, context, *args, **options):
        call = PageCall("write_file", (name, template, context, *args), options)
        self.recording.calls.append(call)
        # Read now, as Pelican has just loaded it: a template saved later belongs to the next run.
        if template.name not in self.recording.templates:
            self.recording.templates[template.name] = template_closure(template)
        super().write_file(name, Unrendered(call), context, *args, **options)

    def write_feed(self, *args, **options):
        call = PageCall("write_feed", args, options)
        self.recording.calls.append(call)
        feed = super().write_feed(*args, **options)
        path = options.get("path", args[2] if len(args) > 2 else None)
        if path:
            call.files.append(posixpath.normpath(path))
        return feed


@dataclass
class Recording:
    calls: list = field(default_factory=list)
    settings: dict = None
    templates: dict = field(default_factory=dict)  # template name -> template_closure()


def recording_writer(recording):
    """A writer class for Pelican's get_writer signal that fills `recording`."""
    return type("RecordingWriter", (RecordingWriter,), {"recording": recording})


def forget_rendered_content():
    """Pelican memoizes each post's HTML and summary for good, keeping every post of every model run
    alive in this long-lived process: start each run with empty memos."""
    for memoized in (Content.get_content, Content.get_summary):
        memoized.cache.clear()


def model_run(settings, output, scratch):
    """The site as a build of the sources sees it, every page's call recorded, no page rendered.

    `settings` are a build's; its pages are written, empty, to `scratch`, and the search index is
    left out (the settle makes it). Raises BuildFailed, its problems printed, as a build would."""
    forget_rendered_content()
    recording = Recording()
    writer_class = recording_writer(recording)

    def give_writer(pelican):
        return writer_class

    scratch.mkdir(parents=True, exist_ok=True)
    run_settings = {**settings, "OUTPUT_PATH": str(scratch), "SEARCH_INDEX": False}
    with signals.get_writer.connected_to(give_writer):
        run_pelican(run_settings, output)
    return SiteModel(recording.calls, recording.settings, recording.templates)


# What a page shows -------------------------------------------------------------------------------

# The names under which Pelican's writer gives a paginated list to its template ("articles_page"…).
PAGINATION_SUFFIXES = ("_paginator", "_page", "_previous_page", "_next_page")
PLAIN = (str, int, float, bool, type(None))


def template_closure(template):
    """The sources of a template and of every template it extends, includes or imports, and the names
    they read from their context: None when one of them is chosen at render time (any name, then)."""
    environment = template.environment
    sources, names, waiting, seen = [], set(), [template.name], set()
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        source = environment.loader.get_source(environment, name)[0]
        sources.append((name, source))
        read, referenced = source_facts(environment, source)
        if names is not None:
            names = None if referenced is None else names | read
        waiting += referenced or []
    digest = hashlib.sha256(repr(sorted(sources)).encode()).hexdigest()
    return digest, names


SOURCE_FACTS = {}  # (syntax, source) -> source_facts(): templates seldom change between two saves


def source_facts(environment, source):
    """The names a template's source reads, and the templates it names (None: one chosen at render time)."""
    syntax = (
        environment.block_start_string,
        environment.variable_start_string,
        *sorted(environment.extensions),
    )
    if (syntax, source) not in SOURCE_FACTS:
        parsed = environment.parse(source)
        referenced = list(meta.find_referenced_templates(parsed))
        SOURCE_FACTS[(syntax, source)] = (
            frozenset(meta.find_undeclared_variables(parsed)),
            None if None in referenced else referenced,
        )
    return SOURCE_FACTS[(syntax, source)]


def is_term_entry(value):
    """(tag, its posts): how the lists of tags, categories and authors hold each term."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], URLWrapper)
        and isinstance(value[1], list)
    )


class SiteModel:
    """A model run's result: every call, and for the dependency rule, what each page shows."""

    def __init__(self, calls, settings, templates):
        self.calls = calls
        self.settings = settings
        self.templates = templates  # template name -> template_closure(), as the run loaded them
        self.call_of_file = {file: call for call in calls for file in call.files}
        self.calls_by_key = {call.key: call for call in calls}
        self.outlines = {}  # call key -> (outline, source paths of the posts it reaches)
        self.posts = {}  # source path -> a post or page some page reaches
        self.digests = {}  # source path -> digest of what a page shows of it
        self.links = {}  # source path -> the posts its attributes name

    def every_post(self):
        """Every post and page the build read, whatever its status."""
        for call in self.calls:
            return [
                item
                for item in call.context.get("generated_content", {}).values()
                if isinstance(item, Content)
            ]
        return []

    def calls_for_files(self, files):
        return list(dict.fromkeys(self.call_of_file[file] for file in files if file in self.call_of_file))

    def each_page_has_its_own_file(self):
        """Pages can be rendered one by one: none is written over another, none overrides another."""
        written = [file for call in self.calls for file in call.files]
        overriding = any(call.options.get("override_output") for call in self.calls)
        return (
            len(written) == len(set(written)) and len(self.calls_by_key) == len(self.calls) and not overriding
        )

    def has_page(self, term):
        return bool(term.save_as) and posixpath.normpath(term.save_as) in self.call_of_file

    def outline(self, value, reached=None):
        """A value as a page shows it: each post by its source file (collected in `reached`), each tag,
        category or author by its name, address and whether it has a page, and the posts in a list of
        terms by their number, as the theme's lists of tags, categories and authors show them."""
        if isinstance(value, Content):
            if reached is not None:
                reached.add(value)
            return ("post", value.source_path)
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.slug, value.url, self.has_page(value))
        if is_term_entry(value):
            return (self.outline(value[0]), len(value[1]))
        if isinstance(value, dict):
            return ("dict", *((self.outline(k, reached), self.outline(v, reached)) for k, v in value.items()))
        if isinstance(value, list | tuple):
            return tuple(self.outline(item, reached) for item in value)
        if isinstance(value, set | frozenset):
            return ("set", *sorted((self.outline(item, reached) for item in value), key=repr))
        if isinstance(value, PLAIN) or hasattr(value, "isoformat"):
            return value
        return repr(value)  # something else: its repr, which may change with every run (safe, slower)

    def read(self, call):
        """(outline, posts reached) of a page: what its templates can show, from what its call gives them."""
        if call.key in self.outlines:
            return self.outlines[call.key]
        reached = set()
        template_digest, names = self.template_facts(call.template)
        visible = visible_values(call, names)
        plain_options = {name: value for name, value in call.options.items() if isinstance(value, PLAIN)}
        outline = (
            call.method,
            getattr(call.template, "name", None),
            template_digest,
            tuple(call.files),
            tuple(sorted(plain_options.items())),
            tuple((name, self.outline(value, reached)) for name, value in sorted(visible.items())),
        )
        for post in list(reached):  # the posts a page shows link to others: neighbours, translations
            reached |= self.linked_posts(post)
        for post in reached:
            self.posts[post.source_path] = post
        self.outlines[call.key] = (outline, frozenset(post.source_path for post in reached))
        return self.outlines[call.key]

    def linked_posts(self, post):
        """The posts a post's attributes name: its neighbours, its translations."""
        if post.source_path not in self.links:
            linked = set()
            for value in vars(post).values():
                linked.update(
                    item
                    for item in (value if isinstance(value, list | tuple) else [value])
                    if isinstance(item, Content)
                )
            self.links[post.source_path] = linked
        return self.links[post.source_path]

    def template_facts(self, template):
        return self.templates[template.name] if template is not None else (None, None)

    def digest(self, source_path):
        """What any page can show of a post (its HTML, summary, address and every public attribute),
        as a hash; None for a post this model has not."""
        post = self.posts.get(source_path)
        if post is None:
            return None
        if source_path not in self.digests:
            facts = [type(post).__name__, getattr(post, "url", None), getattr(post, "save_as", None)]
            if isinstance(post, Article | Page):
                facts += [post.content, post.summary]
            for name, value in sorted(vars(post).items()):
                if not name.startswith("_") and name != "settings":
                    facts.append((name, self.outline(value)))
            self.digests[source_path] = hashlib.sha256(repr(facts).encode()).digest()
        return self.digests[source_path]


def visible_values(call, names):
    """The values a page's templates read, by name: what its call gives, else the build's context."""
    options, context = call.options, call.context
    paginated = options.get("paginated") or {
        name: options[name] for name in ("articles", "dates") if name in options
    }
    if names is None:
        names = set(context) | set(options) | {f"{name}_page" for name in paginated}
    visible = {}
    for name in names:
        if name in options:
            visible[name] = options[name]
        elif name in context:
            visible[name] = context[name]
        else:
            for suffix in PAGINATION_SUFFIXES:
                listed = name.removesuffix(suffix)
                if name.endswith(suffix) and listed in paginated:
                    visible[name] = paginated[listed]
    return visible


def pages_to_render(old, new):
    """The dependency rule: the calls of `new` whose pages may differ from those `old` wrote.

    A page can show only what its call gives its templates, and of that only what the templates
    name: the posts it is given, the lists it reads, and the posts those link to (neighbours,
    translations). It is rendered again when its outline changed (its templates, its files, which
    posts it shows and in what order, the terms and values it shows) or when any post it reaches
    changed (its digest). Feeds are rendered again on any change. Anything the rule cannot separate
    (a page written over another) renders every page."""
    if old is None or not (old.each_page_has_its_own_file() and new.each_page_has_its_own_file()):
        return list(new.calls)
    outlines_changed, reaching = [], []
    for call in new.calls:
        if call.method != "write_file":
            continue
        before = old.calls_by_key.get(call.key)
        outline, reached = new.read(call)
        if before is None or old.read(before)[0] != outline:
            outlines_changed.append(call)
        else:
            reaching.append((call, reached))
    changed_posts = {path for path in new.posts if new.digest(path) != old.digest(path)}
    renders = outlines_changed + [call for call, reached in reaching if reached & changed_posts]
    if renders or changed_posts:
        renders += [call for call in new.calls if call.method == "write_feed"]
    return [call for call in new.calls if call in renders]


def vanished_files(old, new):
    """Files the last model wrote and this one does not: a deleted post, a tag no post has any more."""
    return sorted(set(old.call_of_file) - set(new.call_of_file)) if old else []
