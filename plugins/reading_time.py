"""How long a post takes to read, for the byline: its words, counted once as it is read.

plugins/reading.py counts a post's words from the HTML its reader made, and keeps the count with the
post's metadata, so a post from Pelican's content cache keeps it too.
"""

import math
import re

TAG = re.compile(r"<[^>]*>")

# Mean silent reading rate of English non-fiction: Brysbaert, "How many words do we read per minute?
# A review and meta-analysis of reading rate", Journal of Memory and Language 109 (2019).
WORDS_PER_MINUTE = 238


def count_words(html):
    # Tags are dropped, not spaced: "<em>word</em>," is one word. Readers put a line break between
    # blocks, so paragraphs do not run together; an entity such as &#8217; stays inside its word.
    return len(TAG.sub("", html or "").split())


def minutes_to_read(words):
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
