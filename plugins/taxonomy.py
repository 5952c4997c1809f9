"""Tags, categories and authors in any spelling: those one slug apart are one, written as most posts write them.

Pelican already counts "AWS" and "aws" as one tag (tags are equal when their slugs are), but shows
whichever spelling it read first, which changes with the order it reads files in. Here every post's
tag takes the spelling most posts use; a tie goes to the spelling that sorts first, so every build
shows the same one.
"""

from collections import Counter, defaultdict
from itertools import chain

from pelican import signals


def terms_of(article):
    yield from getattr(article, "tags", [])
    if getattr(article, "category", None):
        yield article.category
    yield from getattr(article, "authors", [])


def most_common_spelling(spellings):
    counts = Counter(spellings)
    return min(counts, key=lambda spelling: (-counts[spelling], spelling.casefold(), spelling))


def unify_spellings(generator):
    every_article = chain(
        generator.articles,
        generator.translations,
        generator.hidden_articles,
        generator.hidden_translations,
        generator.drafts,
        generator.drafts_translations,
    )
    by_slug = defaultdict(list)  # (kind, slug) -> every occurrence
    for article in every_article:
        for term in terms_of(article):
            by_slug[(type(term), term.slug)].append(term)
    for terms in by_slug.values():
        spelling = most_common_spelling(term.name for term in terms)
        for term in terms:
            term.name = spelling


def register():
    signals.article_generator_pretaxonomy.connect(unify_spellings)
