"""A table of contents for posts that ask for one with `Toc: true`.

Markdown's toc extension (configured in pelicanconf.py) gives every heading an id and a link to
itself, and builds the table while it converts the text; Pelican's reader throws the table away.
This reader keeps it, as the post's `table_of_contents`, when the post's metadata asks for it.
"""

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

ASKING = {"true", "yes", "on", "1"}


class MarkdownReaderWithContents(MarkdownReader):
    def read(self, source_path):
        # As MarkdownReader.read, but the table is taken before the metadata is parsed: parsing
        # the summary reuses the same converter and would replace it.
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        table = getattr(self._md, "toc", "")
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        if str(metadata.get("toc", "")).lower() in ASKING and "<li>" in table:
            metadata["table_of_contents"] = table
        return content, metadata


def use_reader(readers):
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = MarkdownReaderWithContents


def register():
    signals.readers_init.connect(use_reader)
