"""The site's changes to a Markdown post, made inside Python-Markdown, in the tree it builds.

Two tree processors of one extension, `SiteChanges`:

- before the table of contents is made (`toc`): author notes out; a post with no Title whose text opens
  with a `# ` heading takes that heading as its title (as MkDocs does); headings that start at `#` are
  shifted down one level, so the page's title is its one <h1>; images described (plugins/post_html.py);
  code blocks take keyboard focus, since a long line makes them scroll sideways; a link with no address
  is a problem. The same for the HTML an author wrote as it is.
- after it: typography (plugins/typography.py) on every run of text but code; each heading's link to
  itself named for screen readers; the table of contents kept for a post that asks for it.

The extension is made once per reader (plugins/reading.py) and knows the file being read through the
reader's `FileBeingRead`; a Markdown instance converts a file's text first, then its Summary.
"""

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString
from pygments.formatters import HtmlFormatter

from plugins import post_html
from plugins.typography import RunningText

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Text inside these is shown as typed: no typography.
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "math", "var"}
# Where a quote at the start of the text opens, whatever came before.
BLOCKS = {
    *HEADINGS,
    "p",
    "li",
    "td",
    "th",
    "dt",
    "dd",
    "blockquote",
    "figcaption",
    "caption",
    "div",
    "summary",
}


class FocusableCode(HtmlFormatter):
    """Pygments' HTML, but the <pre> takes keyboard focus: a wide block scrolls (WCAG 2.1.1)."""

    def wrap(self, source):
        # The empty span keeps a leading blank line of code, as Pygments' own <pre> does.
        yield 0, '<pre tabindex="0"><span></span>'
        yield from source
        yield 0, "</pre>"


class BeforeContents(Treeprocessor):
    """Notes out, the title from a leading heading, headings under the title, images, code, links."""

    def __init__(self, md, file):
        super().__init__(md)
        self.file = file
        self.images = post_html.PageImages(file)
        self.converted = 0  # the first conversion of a file is its text; later ones its Summary

    def run(self, root):
        self.images = post_html.PageImages(self.file)  # a page of its own: its first image loads first
        is_text = self.converted == 0
        self.converted += 1
        self.remove_notes(root)
        if is_text:
            self.take_title_from_heading(root)
        shift = self.heading_shift(root)
        for heading in (element for element in root.iter() if element.tag in HEADINGS):
            heading.tag = f"h{min(int(heading.tag[1]) + shift, 6)}"
        self.render_images(root)
        for block in root.iter("pre"):
            block.set("tabindex", "0")
        for link in root.iter("a"):
            if "href" in link.attrib and not link.get("href").strip():
                text = " ".join("".join(link.itertext()).split())
                post_html.report_empty_link(text, self.file.path, near="]()")
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and post_html.needs_rewriting(block, shift):
                stash[index] = post_html.RawHTML(self.file.path, self.images.render_raw, shift).rewrite(block)

    def render_images(self, root):
        """Each image described; one of several sizes and formats becomes a <picture> in its place."""
        parents = {child: parent for parent in root.iter() if parent.tag != "picture" for child in parent}
        for image in [element for element in root.iter("img") if element in parents]:
            described, picture = self.images.render(image.attrib, "markdown")
            image.attrib.clear()
            image.attrib.update(described)
            if picture:
                parent = parents[image]
                element = picture.to_element(post_html.loading(described))
                element.tail, image.tail = image.tail, None
                parent[list(parent).index(image)] = element

    def remove_notes(self, root):
        """HTML comments, kept by Markdown as raw HTML, are taken out; a paragraph they leave empty goes."""
        stash = self.md.htmlStash
        emptied = set()
        for index, block in enumerate(stash.rawHtmlBlocks):
            if isinstance(block, str) and "<!--" in block:
                stash.rawHtmlBlocks[index] = post_html.NOTE.sub("", block)
                if not stash.rawHtmlBlocks[index].strip():
                    emptied.add(stash.get_placeholder(index))
        if emptied:
            for parent in root.iter():
                for child in list(parent):
                    if child.tag == "p" and len(child) == 0 and (child.text or "").strip() in emptied:
                        parent.remove(child)

    def take_title_from_heading(self, root):
        meta = getattr(self.md, "Meta", None)
        if meta is None or "title" in meta or len(root) == 0 or root[0].tag != "h1":
            return
        heading = root[0]
        title = " ".join(self.text_of(heading).split())
        if title:
            meta["title"] = [title]
            root.remove(heading)

    def text_of(self, element):
        """An element's text as the page shows it: raw HTML in it read as text, escapes undone."""
        text = "".join(element.itertext())
        blocks = self.md.htmlStash.rawHtmlBlocks

        def raw(match):
            block = blocks[int(match.group(1))]
            return post_html.plain_text(block if isinstance(block, str) else "")

        return UnescapeTreeprocessor(self.md).unescape(HTML_PLACEHOLDER_RE.sub(raw, text))

    def heading_shift(self, root):
        """1 when the text's headings start at <h1>, written in Markdown or as HTML; else 0."""
        levels = [int(element.tag[1]) for element in root.iter() if element.tag in HEADINGS]
        if levels and min(levels) == 1:
            return 1
        raw = (block for block in self.md.htmlStash.rawHtmlBlocks if isinstance(block, str))
        return int(any(post_html.has_raw_top_heading(block) for block in raw))


class AfterContents(Treeprocessor):
    """Typography, headings' links to themselves named, the table of contents kept."""

    def __init__(self, md, file):
        super().__init__(md)
        self.file = file
        self.converted = 0

    def run(self, root):
        is_text = self.converted == 0
        self.converted += 1
        self.typeset(root, RunningText(self.file.settings.get("TYPOGRAPHY", True)))
        for heading in (element for element in root.iter() if element.tag in HEADINGS):
            for link in heading.iter("a"):
                if link.get("class") == "heading-link":
                    words = " ".join("".join(heading.itertext()).removesuffix(link.text or "").split())
                    link.set("aria-label", f"Link to the section “{words}”")
                    link.set("data-pagefind-ignore", "")  # its "#" is no word of the heading to search
        if is_text:
            self.file.table_of_contents = getattr(self.md, "toc", "")

    def typeset(self, element, text):
        if element.tag in BLOCKS:
            text.start_block()
        if element.tag in VERBATIM or element.get("class") == "heading-link":
            text.skip("".join(element.itertext()))
            return
        element.text = typeset_run(element.text, text)
        for child in element:
            self.typeset(child, text)
            child.tail = typeset_run(child.tail, text)
        if element.tag in BLOCKS:
            text.start_block()


def typeset_run(run, text):
    if run is None or isinstance(run, AtomicString):
        text.skip(run)
        return run
    return text.typeset(run)


class SiteChanges(Extension):
    """The site's changes, for every file a reader converts; `file` says which it is now."""

    def __init__(self, file):
        super().__init__()
        self.file = file

    def extendMarkdown(self, md):
        # After "inline" (20), which makes the images, and "attr_list" (8), which may size them; before
        # "toc" (5), so the table lists the headings at their new level. Typography after "toc", whose
        # ids are made from the text as typed.
        md.treeprocessors.register(BeforeContents(md, self.file), "site_before_contents", 6)
        md.treeprocessors.register(AfterContents(md, self.file), "site_after_contents", 4)
