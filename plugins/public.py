"""What is public: the one definition that listings, search, sitemap, feeds and navigation follow.

A post or page is public when its Status is `published`, the default. A `hidden` one is built and
reachable at its address, but marked noindex, and is in no listing, search index, sitemap, feed or
navigation. A `draft` exists only in a build with SHOW_DRAFTS on (the local one): shown there,
labelled, with pages for its tags and category so its links lead somewhere; the publish build does
not write it at all.

Pelican keeps hidden posts and drafts out of its own lists (`articles`, `pages`), which its listings
and feeds are made from; templates ask `item is public` (a Jinja test this plugin adds), and the
sitemap and the search index ask `is_public()`. The sitemap asks `is_indexed()` of each written page:
one showing only public posts, and neither the 404 page nor a post's former address (a page written
with `redirect_target`, by plugins/redirects.py).
"""

from pelican import signals


def is_public(content):
    return getattr(content, "status", "published") == "published"


def is_indexed(context, shown):
    """Whether search engines should index a written page, given its template context and what it shows."""
    if "redirect_target" in context or context["output_file"] == context.get("404_SAVE_AS", "404.html"):
        return False
    return all(is_public(item) for item in shown)


def add_template_test(pelican):
    pelican.settings["JINJA_TESTS"] = {**pelican.settings.get("JINJA_TESTS", {}), "public": is_public}


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
    signals.initialized.connect(add_template_test)
    signals.article_generator_finalized.connect(place_drafts)
    signals.page_generator_finalized.connect(drop_draft_pages)
