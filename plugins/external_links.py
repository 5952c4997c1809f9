"""Give every Markdown link to another site rel="noopener": the page it opens gets no handle on ours.

Links written as raw HTML inside a post are left as the author wrote them.
"""

from urllib.parse import urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pelican import signals


class ExternalLinkProcessor(Treeprocessor):
    def __init__(self, md, siteurl):
        super().__init__(md)
        self.siteurl = siteurl

    def is_external(self, href):
        if self.siteurl and (href == self.siteurl or href.startswith(self.siteurl + "/")):
            return False
        return bool(urlsplit(href).netloc)

    def run(self, root):
        for link in root.iter("a"):
            if self.is_external(link.get("href", "")):
                rel = link.get("rel", "").split()
                link.set("rel", " ".join([*rel, "noopener"] if "noopener" not in rel else rel))


class ExternalLinks(Extension):
    def __init__(self, siteurl):
        super().__init__()
        self.siteurl = siteurl

    def extendMarkdown(self, md):
        # After "inline" (priority 20), which turns Markdown links into <a> elements.
        md.treeprocessors.register(ExternalLinkProcessor(md, self.siteurl), "external_links", 5)


def add_extension(pelican):
    markdown = pelican.settings["MARKDOWN"]
    extensions = [*markdown.get("extensions", []), ExternalLinks(pelican.settings["SITEURL"])]
    pelican.settings["MARKDOWN"] = {**markdown, "extensions": extensions}


def register():
    signals.initialized.connect(add_extension)
