"""Tags, categories and authors in any spelling: those one slug apart are one, written as most posts write them.

Pelican already counts "AWS" and "aws" as one tag (tags are equal when their slugs are), but shows
whichever spelling it read first, which changes with the order it reads files in. Here every post's
tag takes the spelling most posts use; a tie goes to the spelling that sorts first, so every build
shows the same one. The count is of spellings as the posts write them (`written_as`): a post from
Pelican's content cache keeps the name a former build gave its tag, which must not count as its own.
"""

from collections import Counter, defaultdict

from pelican import signals

from plugins.public import every_post


def terms_of(article):
    yield from getattr(article, "tags", [])
    if getattr(article, "category", None):
        yield article.category
    yield from getattr(article, "authors", [])


def written_spelling(term):
    """The term as its post writes it, whatever name an earlier build gave it."""
    if not hasattr(term, "written_as"):  # read in this build: its name is still the post's own
        term.written_as = term.name
    return term.written_as


def most_common_spelling(spellings):
    counts = Counter(spellings)
    return min(counts, key=lambda spelling: (-counts[spelling], spelling.casefold(), spelling))


def unify_spellings(generator):
    by_slug = defaultdict(list)  # (kind, slug) -> every occurrence
    for article in every_post(generator):
        for term in terms_of(article):
            by_slug[(type(term), term.slug)].append(term)
    for terms in by_slug.values():
        spelling = most_common_spelling(written_spelling(term) for term in terms)
        for term in terms:
            term.name = spelling


def register():
    signals.article_generator_pretaxonomy.connect(unify_spellings)
