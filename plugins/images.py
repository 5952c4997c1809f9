"""Make a post's images cheap to lay out and load.

Every image linked from the content folder gets its width and height (read with Pillow), so the
page does not shift as it loads, and `decoding="async"`; every image after a post's first, most
likely below the fold, also gets `loading="lazy"`. (content_checks stops an image without alt text.)
"""

from html import escape
from html.parser import HTMLParser
from pathlib import Path

from pelican import signals
from PIL import Image

LINK_MARKERS = ("{static}", "{attach}", "{filename}")


class ImageTags(HTMLParser):
    """Each <img> tag of an HTML text, as written, with its attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append((self.get_starttag_text(), dict(attrs)))

    handle_startendtag = handle_starttag


def image_file(src, content):
    """The content folder's file an image links to with {static} and the like, or None."""
    marker = next((marker for marker in LINK_MARKERS if src.startswith(marker)), None)
    if marker is None:
        return None
    path = src[len(marker) :]
    folder = Path(content.settings["PATH"]) if path.startswith("/") else Path(content.source_path).parent
    candidate = folder / path.lstrip("/")
    return candidate if candidate.is_file() else None


def image_tag(attributes):
    return "<img " + " ".join(f'{name}="{escape(value or "")}"' for name, value in attributes.items()) + ">"


def describe_images(content):
    if not content._content or "<img" not in content._content:
        return
    html = content._content
    for position, (tag, attributes) in enumerate(ImageTags(html).found):
        source = image_file(attributes.get("src", ""), content)
        if source and "width" not in attributes and "height" not in attributes:
            with Image.open(source) as image:
                attributes["width"], attributes["height"] = (str(side) for side in image.size)
        attributes["decoding"] = "async"
        if position > 0:
            attributes.setdefault("loading", "lazy")
        html = html.replace(tag, image_tag(attributes), 1)
    content._content = html


def register():
    signals.content_object_init.connect(describe_images)
