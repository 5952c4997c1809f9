"""The Liquid tags made from their words alone: img, video, audio, youtube, vimeo and gist.

Each function takes a `Tag` (plugins/liquid_syntax.py) and returns an ElementTree element, or raises
`TagError` saying what to write instead. Images are `img` elements, so the site's tree processor
sizes and describes them as it does Markdown's own. Players are HTML5 without `style=` or obsolete
attributes (the Content-Security-Policy forbids inline styles): their layout is the stylesheet's, by
class: `video-frame` (the YouTube and Vimeo iframes), `video-player` and `audio-player`. Nothing is
fetched: a gist is a link to it.
"""

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import quote, urlsplit

from markdown.util import AtomicString

from plugins.liquid_syntax import TagError

IMAGE_SYNTAX = '{% img [classes] /images/name.png [width [height]] ["title" ["alt text"]] %}'
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"}
SIZE = re.compile(r"\d+")
# A player's size: a number of pixels, or a percentage, which HTML's width attribute cannot hold.
PLAYER_SIZE = re.compile(r"\d+%?")
# No codecs parameter: a wrong one makes a browser skip a file it could have played.
VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".ogg": "video/ogg",
}
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
}
# liquid_tags' size for YouTube and Vimeo players: the attributes give the frame its proportions.
FRAME_SIZE = ("640", "390")
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]+")
VIMEO_ID = re.compile(r"\d+")
GIST_ID = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)?")


def extension_of(address):
    """ ".png" for "/images/a.PNG?v=2": the lower-case extension of an address's path."""
    return posixpath.splitext(urlsplit(address).path)[1].lower()


def names_a_file(word):
    """Whether a word is an image's or a player's address rather than a class name or a size."""
    return "/" in word.value or bool(extension_of(word.value))


# Images -----------------------------------------------------------------------------------------


def image(tag):
    """{% img [classes] src [lazy|eager] [width [height]] [title | "title" ["alt text"]] %}: an img element."""
    words = tag.words()
    position = next((index for index, word in enumerate(words) if names_a_file(word)), None)
    if position is None:
        raise TagError(f"has {tag.shown()}, which names no image: write {IMAGE_SYNTAX}.")
    classes, src, rest = words[:position], words[position].value, words[position + 1 :]
    loading = None
    if rest and rest[0].value in ("lazy", "eager"):
        loading, rest = rest[0].value, rest[1:]
    sizes = []
    while rest and len(sizes) < 2 and not rest[0].quoted and SIZE.fullmatch(rest[0].value):
        sizes.append(rest[0].value)
        rest = rest[1:]
    title, alt = title_and_alt(tag, rest)
    attributes = {"src": src}
    if alt:
        attributes["alt"] = alt
    if title:
        attributes["title"] = title
    if classes:
        attributes["class"] = " ".join(word.value for word in classes)
    attributes.update(zip(("width", "height"), sizes, strict=False))
    if loading:
        attributes["loading"] = loading
    return etree.Element("img", attributes)


def title_and_alt(tag, words):
    """One or two quoted phrases are the title and the alt text; other words are the title, and the alt."""
    if not words:
        return None, None
    if all(word.quoted for word in words) and len(words) <= 2:
        title = words[0].value
        return title, words[1].value if len(words) == 2 else title
    title = tag.rest(words[0])
    return title, title


# Players ----------------------------------------------------------------------------------------


def video(tag):
    """{% video url [url…] [width [height]] [poster] %}: a video element, one source for each file."""
    sources, sizes, posters = sort_player_words(tag, allow_poster=True)
    if not sources:
        raise TagError(
            f"has {tag.shown()}, which names no video file: write {{% video /videos/name.mp4 [width height] [poster.png] %}}."
        )
    player = media_player("video", "video-player", sources, VIDEO_TYPES)
    for name, size in zip(("width", "height"), sizes, strict=False):
        if SIZE.fullmatch(size):  # a percentage is left to the stylesheet, which fits players to the column
            player.set(name, size)
    if posters:
        player.set("poster", posters[0])
    return player


def audio(tag):
    """{% audio url [url…] %}: an audio element, one source for each file (say, an .mp3 and an .ogg)."""
    sources, _, _ = sort_player_words(tag, allow_poster=False)
    if not sources:
        raise TagError(
            f"has {tag.shown()}, which names no audio file: write {{% audio /audio/name.mp3 [/audio/name.ogg] %}}."
        )
    return media_player("audio", "audio-player", sources, AUDIO_TYPES)


def sort_player_words(tag, allow_poster):
    """A player's words: its files, its sizes and, for a video, the picture shown before it plays."""
    sources, sizes, posters = [], [], []
    for word in tag.words():
        if PLAYER_SIZE.fullmatch(word.value):
            sizes.append(word.value)
        elif allow_poster and extension_of(word.value) in IMAGE_EXTENSIONS:
            posters.append(word.value)
        elif names_a_file(word):
            sources.append(word.value)
        else:
            raise TagError(
                f'has {tag.shown()}, whose "{word.value}" is neither a file nor a size: remove it.'
            )
    return sources, sizes, posters


def media_player(element, class_name, sources, types):
    """<video> or <audio> with controls, loading only its length and first frame until it is played."""
    player = etree.Element(element, {"class": class_name, "controls": "controls", "preload": "metadata"})
    for source in sources:
        attributes = {"src": source}
        media_type = types.get(extension_of(source))
        if media_type:  # else the browser finds the type out from the file itself
            attributes["type"] = media_type
        etree.SubElement(player, "source", attributes)
    return player


def youtube(tag):
    """{% youtube id [width height] %}: YouTube's player, from its domain that sets no cookie until played."""
    video_id, size = frame_words(tag, YOUTUBE_ID, "the characters after v= in the video's address")
    return video_frame(
        f"https://www.youtube-nocookie.com/embed/{video_id}",
        f"YouTube video {video_id}",
        size,
        "accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share",
    )


def vimeo(tag):
    """{% vimeo id [width height] %}: Vimeo's player."""
    video_id, size = frame_words(tag, VIMEO_ID, "the number at the end of the video's address")
    return video_frame(
        f"https://player.vimeo.com/video/{video_id}",
        f"Vimeo video {video_id}",
        size,
        "autoplay; fullscreen; picture-in-picture",
    )


def frame_words(tag, valid_id, where_the_id_is):
    """A player's video id and its (width, height), liquid_tags' 640 by 390 unless the tag gives both."""
    words = [word.value for word in tag.words()]
    if not words or not valid_id.fullmatch(words[0]):
        raise TagError(
            f"has {tag.shown()}, without a video id: write {{% {tag.name} ID %}}, the id being {where_the_id_is}."
        )
    sizes = words[1:]
    if len(sizes) not in (0, 2) or not all(SIZE.fullmatch(size) for size in sizes):
        raise TagError(
            f"has {tag.shown()}, whose size is not a width and a height in pixels: write {{% {tag.name} {words[0]} 640 390 %}}."
        )
    return words[0], tuple(sizes) or FRAME_SIZE


def video_frame(src, title, size, allow):
    # The title names the frame for screen readers; the page's Content-Security-Policy allows the host.
    attributes = {
        "class": "video-frame",
        "src": src,
        "width": size[0],
        "height": size[1],
        "title": title,
        "allow": allow,
        "allowfullscreen": "allowfullscreen",
        "loading": "lazy",
    }
    return etree.Element("iframe", attributes)


# Gists ------------------------------------------------------------------------------------------


def gist(tag):
    """{% gist id [file name] %}: a link to the gist, since embedding it would run GitHub's script."""
    words = [word.value for word in tag.words()]
    if not words or not GIST_ID.fullmatch(words[0]):
        raise TagError(f"has {tag.shown()}, without a gist id: write {{% gist ID [file name] %}}.")
    link = etree.Element("a", {"class": "gist", "href": f"https://gist.github.com/{quote(words[0])}"})
    name = " ".join(words[1:])
    link.text = AtomicString(f"{name} (a GitHub gist)" if name else f"GitHub gist {words[0]}")
    return link
