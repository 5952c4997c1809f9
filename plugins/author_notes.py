"""Remove HTML comments from posts and pages: they are notes for the author, not for readers.

`invoke new-post` documents every metadata field in such a comment. Markdown passes comments into
the HTML as they are; code samples are escaped by then, so a comment written inside code stays.
"""

import re

from pelican import signals

HTML_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def remove_comments(content):
    if content._content:
        content._content = HTML_COMMENT.sub("", content._content)


def register():
    signals.content_object_init.connect(remove_comments)
