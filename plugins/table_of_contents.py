"""A table of contents for posts that ask for one with `Toc: true`.

Markdown's toc extension (configured in pelicanconf.py) gives every heading an id and a link to
itself, and builds the table while it converts the text; Pelican's reader throws the table away.
The reader this plugin wraps keeps it, as the post's `table_of_contents`, when the post asks for it.
"""

from pelican import signals
from pelican.readers import MarkdownReader

ASKING = {"true", "yes", "on", "1"}


def keeping_contents(reader_class):
    """The Markdown reader class, keeping the table of contents of each file it reads."""

    class ReaderKeepingContents(reader_class):
        def _parse_metadata(self, meta):
            # Taken here, between the text's conversion and any metadata field's, which would replace it.
            self.table_of_contents = getattr(self._md, "toc", "")
            return super()._parse_metadata(meta)

        def read(self, source_path):
            self.table_of_contents = ""
            content, metadata = super().read(source_path)
            if str(metadata.get("toc", "")).lower() in ASKING and "<li>" in self.table_of_contents:
                metadata["table_of_contents"] = self.table_of_contents
            return content, metadata

    # Pelican names a post's "reader" metadata after its reader class: keep "markdown".
    ReaderKeepingContents.__name__ = reader_class.__name__
    return ReaderKeepingContents


def keep_contents(readers):
    for extension, reader_class in readers.reader_classes.items():
        if reader_class and issubclass(reader_class, MarkdownReader):
            readers.reader_classes[extension] = keeping_contents(reader_class)


def register():
    signals.readers_init.connect(keep_contents)
