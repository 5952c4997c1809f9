"""Count each post's words and estimate its reading time, for the byline."""

import math
import re

from pelican import signals

TAG = re.compile(r"<[^>]*>")

# Mean silent reading rate of English non-fiction: Brysbaert, "How many words do we read per minute?
# A review and meta-analysis of reading rate", Journal of Memory and Language 109 (2019).
WORDS_PER_MINUTE = 238


def count_words(content):
    # Tags are dropped, not spaced: "<em>word</em>," is one word. Markdown puts a line break between
    # blocks, so paragraphs do not run together; an entity such as &#8217; stays inside its word.
    words = TAG.sub("", content._content or "").split()
    content.word_count = len(words)
    content.reading_minutes = max(1, math.ceil(len(words) / WORDS_PER_MINUTE))


def register():
    signals.content_object_init.connect(count_words)
