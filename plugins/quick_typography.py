"""Typogrify's output, at about half its cost.

Smartypants runs a dozen regular expressions over every text node of every post (each word between
two tags), though most nodes hold no quote, no dash, no ellipsis and no backslash escape. Each of
its steps below changes only text that contains the characters listed with it, so skipping a node
without them gives the very same output, byte for byte (tests/test_build.py compares it with plain
Smartypants). Typography was a third of the build of a thousand posts; this halves it
(bench/run.py; the README has the figures).
"""

import functools

import smartypants
from pelican import signals

# Each step and the characters without which it leaves a text unchanged.
STEPS = {
    "convert_quotes": "'\"",
    "convert_dashes": "-",
    "convert_ellipses": ".",
    "convert_backticks": "`'",  # ``this'' style quotes: two apostrophes close them
    "process_escapes": "\\",
}


def skip_text_without(step, characters):
    """The step, run only on text containing one of the characters."""

    @functools.wraps(step)
    def quick_step(text):
        for character in characters:  # a plain loop: this runs for every word between two tags
            if character in text:
                return step(text)
        return text

    return quick_step


def speed_up_smartypants(pelican=None):
    for name, characters in STEPS.items():
        step = getattr(smartypants, name)
        if not hasattr(step, "__wrapped__"):  # once per process, however many builds it runs
            setattr(smartypants, name, skip_text_without(step, characters))


def register():
    signals.initialized.connect(speed_up_smartypants)
