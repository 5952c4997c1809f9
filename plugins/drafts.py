"""Keep drafts (`Status: draft`) out of a build whose SHOW_DRAFTS is off.

The local build shows them, labelled, so an author can read them; the publish build turns
SHOW_DRAFTS off, and then no draft page is written at all, nor listed anywhere.
"""

from pelican import signals


def drop_draft_articles(generator):
    if not generator.settings.get("SHOW_DRAFTS"):
        # In place: the template context holds these same lists.
        generator.drafts.clear()
        generator.drafts_translations.clear()


def drop_draft_pages(generator):
    if not generator.settings.get("SHOW_DRAFTS"):
        generator.draft_pages.clear()
        generator.draft_translations.clear()


def register():
    signals.article_generator_finalized.connect(drop_draft_articles)
    signals.page_generator_finalized.connect(drop_draft_pages)
