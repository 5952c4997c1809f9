"""The first look: the pages the browsers show, rendered again the moment a post or template is saved.

The settle process, once its build is done and swapped in, keeps what each page was rendered from
(recording.py). On a save it is asked for a first look: each saved post is read again by Pelican's
own readers (`Readers.read_file`, with the build's context, as the build read it), and each page a
browser shows is rendered again with the post read again in the place of the one it had, or with its
templates as they are now on disk (Jinja's environment reloads a template whose file changed). Only
the pages whose bytes change are written.

A first look is a fast approximation that the full build then replaces: what it cannot know (a
post's neighbours' new titles, a listing's new order) waits for the full build, seconds later. A
post that cannot be read again, or whose problems the full build will report, or that has moved to
another address, is left out.
"""

import copy
import os
from pathlib import Path

from pelican.contents import Article, Content
from pelican.contents import Page as PostPage
from pelican.paginator import Page as ListingPage
from pelican.readers import Readers

from plugins import problems

# A post's terms: read again, a post names them as its file does; the build gave them the spelling
# most posts use (plugins/taxonomy.py), which the first look keeps while the file's spelling is the same.
TERMS = ("tags", "category", "author", "authors")


class FirstLook:
    """Renders the shown pages of a finished build again, with saved posts and templates."""

    def __init__(self, recording):
        self.recording = recording
        self.readers = None  # made on the first look: the build's own readers, without a cache

    def look(self, changed_paths, shown_files, output):
        """Render the shown output files a change reaches into `output`; the files whose bytes changed."""
        # Each path as given and as resolved: posts' paths are compared as they are, without a look at
        # the disk for each of a thousand posts.
        changed = {os.path.abspath(path) for path in changed_paths} | {
            str(Path(path).resolve()) for path in changed_paths
        }
        templates_changed = any(self.is_template(Path(path)) for path in changed)
        posts_again = self.posts_read_again(changed)
        written = []
        for file in shown_files:
            if file not in self.recording.pages:
                continue
            values = self.recording.values_of(file)
            values_again = {name: with_posts_replaced(value, posts_again) for name, value in values.items()}
            post_replaced = any(values_again[name] is not values[name] for name in values)
            if (post_replaced or templates_changed) and self.render(file, values_again, Path(output)):
                written.append(file)
        return written

    def render(self, file, values, output):
        """Render a page into the output folder; True if its bytes changed, False if not or if it fails
        (a template that fails on the new post: the full build says where)."""
        template = self.recording.pages[file].template
        try:
            # Jinja reloads a template whose file changed since it was loaded (auto_reload, its
            # default), and the templates it extends or includes as it renders.
            text = template.environment.get_template(template.name).render(values)
        except Exception:
            return False
        return write_if_changed(output / file, text)

    def build_readers(self):
        """Pelican's readers with the build's settings and plugins (no cache: a saved post is read anew)."""
        if self.readers is None:
            self.readers = Readers(self.recording.settings)
        return self.readers

    def extensions(self):
        """The extensions of the files the build reads as posts."""
        return set(self.build_readers().extensions)

    def is_template(self, path):
        settings = self.recording.settings
        folders = [Path(settings["THEME"], "templates"), *map(Path, settings["THEME_TEMPLATES_OVERRIDES"])]
        return any(path.is_relative_to(folder.resolve()) for folder in folders)

    def posts_read_again(self, changed):
        """{id of a post of the build: the post read again} for each saved post that reads well."""
        again = {}
        for post in self.recording.context["generated_content"].values():
            if isinstance(post, Content) and os.path.abspath(post.source_path) in changed:
                post_again = self.read_again(post)
                if post_again is not None:
                    again[id(post)] = post_again
        return again

    def read_again(self, post):
        """The post read from its file as the build read it, given what the build's generators gave it;
        None if it cannot be read, has a problem (the full build reports it) or moved to another address."""
        settings = self.recording.settings
        problems.collector = problems.Collector()  # this reading's problems only
        try:
            again = self.build_readers().read_file(
                base_path=settings["PATH"],
                path=os.path.relpath(post.source_path, settings["PATH"]),
                content_class=type(post),
                context=self.recording.context,
            )
        except Exception:
            return None
        if any(not problem.note for problem in problems.collector.problems) or again.save_as != post.save_as:
            return None
        # What the generators set once every post was read: neighbours, series, translations.
        for name, value in vars(post).items():
            if not hasattr(again, name) or name == "translations":
                setattr(again, name, value)
        for name in TERMS:
            if hasattr(post, name) and spelled(getattr(again, name, None)) == spelled(getattr(post, name)):
                setattr(again, name, getattr(post, name))
        again.refresh_metadata_intersite_links()
        return again


def spelled(terms):
    """A post's tags (or category, or authors) as its file spells them."""
    if terms is None:
        return None
    if isinstance(terms, list | tuple):
        return [spelled(term) for term in terms]
    return getattr(terms, "written_as", terms.name)


# How deep in a page's values a post is looked for: a listing's page of posts, a list of (tag, posts),
# the archives' years of months of posts.
DEPTH = 4


def with_posts_replaced(value, posts_again, depth=DEPTH):
    """A page's value with each post read again in the place of the old one: the post itself, or in the
    lists, dicts and listing pages the value holds. The same object where nothing was replaced."""
    if isinstance(value, Article | PostPage):
        return posts_again.get(id(value), value)
    if depth == 0 or not posts_again:
        return value
    if type(value) in (list, tuple):
        items = [with_posts_replaced(item, posts_again, depth - 1) for item in value]
        return (
            type(value)(items)
            if any(new is not old for new, old in zip(items, value, strict=True))
            else value
        )
    if isinstance(value, dict):
        items = {key: with_posts_replaced(item, posts_again, depth - 1) for key, item in value.items()}
        if all(items[key] is item for key, item in value.items()):
            return value
        value = copy.copy(value)  # of its own kind: period_archives is a defaultdict, as templates expect
        value.update(items)
    if isinstance(value, ListingPage):
        listed = with_posts_replaced(value.object_list, posts_again, depth - 1)
        if listed is not value.object_list:
            value = copy.copy(value)
            value.object_list = listed
    return value


def write_if_changed(path, text):
    """Write a page as Pelican's writer does (UTF-8, the platform's line endings); True if its bytes changed."""
    data = text.replace("\n", os.linesep).encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
