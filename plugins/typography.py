"""Typography for the reading pipeline: Typogrify's filters, as Pelican applies them, at about half the cost.

Pelican typesets what a reader returns (the text, its Title and Summary) when TYPOGRIFY is on. The
site's readers (plugins/reading.py) typeset it themselves instead, as the last step of reading a file,
so that it happens after every change they make to its HTML, and in whichever process reads the file
(plugins/parallel_reading.py); `take_over()` turns Pelican's own pass off, so it does not run twice.

It is quicker than Typogrify alone: Smartypants runs a dozen regular expressions over every run of text
between two tags, though most hold no quote, no double hyphen, no ellipsis and no backslash escape.
Each of its steps listed in STEPS changes only text that contains one of the strings listed with it, so
skipping text without them gives the very same output, byte for byte (tests/test_build.py compares it
with plain Smartypants). Typography was a third of the build of a thousand posts; this halves it.
"""

import functools

import smartypants
from typogrify.filters import typogrify

# Each step and the strings without which it leaves a text unchanged.
STEPS = {
    "convert_quotes": ("'", '"'),
    "convert_dashes": ("--",),
    "convert_ellipses": ("...", ". . ."),
    "convert_backticks": ("``", "''"),
    "process_escapes": ("\\",),
}
# The settings' way of asking for typography that the readers do (see take_over).
BY_THE_READERS = "TYPOGRAPHY_BY_THE_READERS"
DASHES = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}


def skip_text_without(step, markers):
    """The step, run only on text containing one of the markers."""

    @functools.wraps(step)
    def quick_step(text):
        for marker in markers:  # a plain loop: this runs for every run of text between two tags
            if marker in text:
                return step(text)
        return text

    return quick_step


def speed_up_smartypants():
    for name, markers in STEPS.items():
        step = getattr(smartypants, name)
        if not hasattr(step, "__wrapped__"):  # once per process, however many builds it runs
            setattr(smartypants, name, skip_text_without(step, markers))


def take_over(settings):
    """The readers typeset (TYPOGRIFY on), and Pelican does not."""
    if settings.get("TYPOGRIFY"):
        settings[BY_THE_READERS] = True
        settings["TYPOGRIFY"] = False


def typeset(content, metadata, settings):
    """What a reader returns, with the typography Pelican would give it: the text, Title and Summary."""
    if not settings.get(BY_THE_READERS):
        return content, metadata
    speed_up_smartypants()
    # As Pelican sets Smartypants up: the kind of dashes asked for, and &quot; read as a quote (docutils
    # writes quotes so).
    smartypants.Attr.default = (
        DASHES.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1) | smartypants.Attr.w
    )
    omitted = dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)

    def typeset_one(text):
        return typogrify(text, settings["TYPOGRIFY_IGNORE_TAGS"], **omitted)

    metadata = {
        **metadata,
        **{name: typeset_one(metadata[name]) for name in ("title", "summary") if name in metadata},
    }
    return (typeset_one(content) if content else content), metadata
