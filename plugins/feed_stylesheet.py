"""Point every Atom feed at an XSL stylesheet, so a browser shows it as a readable page.

Pelican hands the feed object to feedgenerator, which writes the whole document in one call and
has no way to add an <?xml-stylesheet?> processing instruction. Pelican's feed_written signal
fires once the file is complete, so the instruction is inserted there, after the XML declaration:
the feed itself is untouched, and feed readers ignore the instruction. FEED_STYLESHEET is the
stylesheet's path in the output, e.g. "theme/feed.xsl"; it must be served from the feed's origin.
"""

from pathlib import Path

from feedgenerator import Atom1Feed
from pelican import signals


def add_stylesheet(path, context, feed):
    stylesheet = context.get("FEED_STYLESHEET")
    if not stylesheet or not isinstance(feed, Atom1Feed):
        return
    feed_file = Path(path)
    declaration, rest = feed_file.read_text(encoding="utf-8").split("?>", 1)
    instruction = f'<?xml-stylesheet type="text/xsl" href="{context["SITEURL"]}/{stylesheet}"?>'
    feed_file.write_text(f"{declaration}?>\n{instruction}{rest}", encoding="utf-8")


def register():
    signals.feed_written.connect(add_stylesheet)
