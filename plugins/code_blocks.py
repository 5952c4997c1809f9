"""Let keyboard users scroll a code block that is wider than the column.

A long line scrolls sideways rather than wrap, which would misplace indentation; a region that
scrolls must be reachable by keyboard (WCAG 2.1.1), so each highlighted block's <pre> takes focus.
"""

from pelican import signals

HIGHLIGHTED_BLOCK = '<div class="highlight"><pre>'


def make_code_focusable(content):
    if content._content and HIGHLIGHTED_BLOCK in content._content:
        content._content = content._content.replace(
            HIGHLIGHTED_BLOCK, '<div class="highlight"><pre tabindex="0">'
        )


def register():
    signals.content_object_init.connect(make_code_focusable)
