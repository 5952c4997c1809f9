"""What is public, and what a build writes: the one definition that listings, search, sitemap, feeds,
navigation and the checks follow.

A post or page is public when its Status is `published`, the default. A `hidden` one is built and
reachable at its address, but marked noindex, and is in no listing, search index, sitemap, feed or
navigation. A `draft` exists only in a build with SHOW_DRAFTS on (the local one): shown there,
labelled, with pages for its tags and category so its links lead somewhere; the publish build does
not write it at all.

`written_content(generators)` is every post and page a build writes a page for, whatever its status:
the list every plugin that looks at posts walks. Pelican keeps hidden posts and drafts out of its own
lists (`articles`, `pages`), which its listings and feeds are made from. Templates ask `item is public`
(a Jinja test this plugin adds); `is_indexed()` says whether a page is for search engines: one showing
only public posts, and neither the 404 page nor a post's former address (a page written with
`redirect_target`, by plugins/redirects.py); base.html asks it for its robots meta, the sitemap for its
list. A tag, category or author has a page only through public posts (and drafts, locally): templates
ask `term is listed` before they link one, so a hidden post's tags never lead to a page that is not there.
"""

from itertools import chain

from jinja2 import pass_context
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

# Pelican's lists of what each generator writes, one page per item, by status.
WRITTEN_LISTS = {
    ArticlesGenerator: (
        "articles",
        "translations",
        "hidden_articles",
        "hidden_translations",
        "drafts",
        "drafts_translations",
    ),
    PagesGenerator: (
        "pages",
        "translations",
        "hidden_pages",
        "hidden_translations",
        "draft_pages",
        "draft_translations",
    ),
}


def written_content(generators):
    """Every post and page the generators will write, with its generator."""
    for generator in generators:
        for kind, names in WRITTEN_LISTS.items():
            if isinstance(generator, kind):
                for name in names:
                    for item in getattr(generator, name, []):
                        yield generator, item


def every_post(generator):
    """Every post an articles generator read, whatever its status, translations included."""
    return [item for _, item in written_content([generator])]


def is_public(content):
    return getattr(content, "status", "published") == "published"


def shown_content(context):
    """The posts or page a written page shows: itself for a post or page, else its listing's posts."""
    for name in ("article", "page"):
        if name in context:
            return [context[name]]
    if "articles_page" in context:
        return context["articles_page"].object_list
    return context.get("dates", [])


def is_indexed(context):
    """Whether a page Pelican writes, given its template context, is one for search engines."""
    if "redirect_target" in context or context.get("template_name") == "404":
        return False
    if context.get("output_file") == "404.html":  # the site's own not-found page, whoever wrote it
        return False
    return all(is_public(item) for item in shown_content(context))


# (kind, slug) of each tag, category and author with a page of its own in the current build.
listed_terms = set()


def is_listed(term):
    return (type(term), term.slug) in listed_terms


@pass_context
def page_is_indexed(context):
    """For base.html: whether the page being rendered is one for search engines."""
    return is_indexed(context)


def add_template_tests(pelican):
    tests = {"public": is_public, "listed": is_listed}
    pelican.settings["JINJA_TESTS"] = {**pelican.settings.get("JINJA_TESTS", {}), **tests}
    pelican.settings["JINJA_GLOBALS"] = {
        **pelican.settings.get("JINJA_GLOBALS", {}),
        "page_is_indexed": page_is_indexed,
    }


def place_drafts_and_list_terms(generator):
    place_drafts(generator)
    listed_terms.clear()
    for term in chain(
        generator.tags,
        (category for category, _ in generator.categories),
        (author for author, _ in generator.authors),
    ):
        if term.save_as:
            listed_terms.add((type(term), term.slug))


def place_drafts(generator):
    """Drafts are dropped from a build without SHOW_DRAFTS, and given tag and category pages in one with it."""
    if not generator.settings.get("SHOW_DRAFTS"):
        # In place: the template context holds these same lists.
        generator.drafts.clear()
        generator.drafts_translations.clear()
        return
    for draft in generator.drafts:
        for tag in getattr(draft, "tags", []):
            generator.tags[tag].append(draft)
        for name, terms in (("category", generator.categories), ("authors", generator.authors)):
            values = getattr(draft, name, [])
            for value in values if isinstance(values, list) else [values]:
                entry = next((articles for term, articles in terms if term == value), None)
                if entry is None:
                    terms.append((value, [draft]))
                else:
                    entry.append(draft)
    generator.categories.sort(reverse=generator.settings["REVERSE_CATEGORY_ORDER"])
    generator.authors.sort()
    generator.context.update(
        tags=list(generator.tags.items()), categories=generator.categories, authors=generator.authors
    )


def drop_draft_pages(generator):
    if not generator.settings.get("SHOW_DRAFTS"):
        generator.draft_pages.clear()
        generator.draft_translations.clear()


def register():
    signals.initialized.connect(add_template_tests)
    signals.article_generator_finalized.connect(place_drafts_and_list_terms)
    signals.page_generator_finalized.connect(drop_draft_pages)
