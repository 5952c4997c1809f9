"""Give each published post its neighbours in time, for the older/newer links at its foot.

Pelican gives templates no neighbours; these are across all categories, by date, and leave out
drafts and hidden posts, which have none.
"""

from pelican import signals


def link_neighbours(generator):
    by_date = sorted(generator.articles, key=lambda article: article.date)
    for position, article in enumerate(by_date):
        article.older_post = by_date[position - 1] if position > 0 else None
        article.newer_post = by_date[position + 1] if position + 1 < len(by_date) else None


def register():
    signals.article_generator_finalized.connect(link_neighbours)
