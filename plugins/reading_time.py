"""Count each post's words and estimate its reading time, for the byline."""

import math

from markupsafe import Markup
from pelican import signals

# Mean silent reading rate of English non-fiction: Brysbaert, "How many words do we read per minute?
# A review and meta-analysis of reading rate", Journal of Memory and Language 109 (2019).
WORDS_PER_MINUTE = 238


def count_words(content):
    words = Markup(content._content or "").striptags().split()
    content.word_count = len(words)
    content.reading_minutes = max(1, math.ceil(len(words) / WORDS_PER_MINUTE))


def register():
    signals.content_object_init.connect(count_words)
