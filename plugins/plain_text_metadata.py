"""Read a Markdown post's Title and Summary as plain text, so markup in them is shown, never run.

Pelican prints both as HTML (`|safe`), because Typogrify turns them into HTML: curly quotes, dashes,
entities. Escaping <, > and & as each field is read, before Typogrify runs, keeps that typography
while a "<script>" in a title reaches the page as the text "<script>". Quotes are left for Typogrify
to curl; they cannot end an element, and the templates escape them again inside attributes.
"""

from html import escape

from pelican import signals
from pelican.readers import MarkdownReader

PLAIN_TEXT_FIELDS = ("title", "summary")


def plain_text_reader(reader_class):
    class PlainTextReader(reader_class):
        def process_metadata(self, name, value):
            if name in PLAIN_TEXT_FIELDS:
                value = escape(value, quote=False)
            return super().process_metadata(name, value)

    # Pelican names a post's "reader" metadata after its reader class: keep "markdown".
    PlainTextReader.__name__ = reader_class.__name__
    return PlainTextReader


def read_plain_text(readers):
    for extension, reader_class in readers.reader_classes.items():
        if reader_class and issubclass(reader_class, MarkdownReader):
            readers.reader_classes[extension] = plain_text_reader(reader_class)


def register():
    signals.readers_init.connect(read_plain_text)
