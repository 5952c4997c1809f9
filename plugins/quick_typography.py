"""Typogrify's output, at about half its cost.

Smartypants runs a dozen regular expressions over every run of text between two tags in every
post, though most hold no quote, no double hyphen, no ellipsis and no backslash escape. Each of its
steps below changes only text that contains one of the strings listed with it, so skipping text
without them gives the very same output, byte for byte (tests/test_build.py compares it with plain
Smartypants). Typography was a third of the build of a thousand posts; this halves it
(bench/run.py; the README has the figures).
"""

import functools

import smartypants
from pelican import signals

# Each step and the strings without which it leaves a text unchanged.
STEPS = {
    "convert_quotes": ("'", '"'),
    "convert_dashes": ("--",),
    "convert_ellipses": ("...", ". . ."),
    "convert_backticks": ("``", "''"),
    "process_escapes": ("\\",),
}


def skip_text_without(step, markers):
    """The step, run only on text containing one of the markers."""

    @functools.wraps(step)
    def quick_step(text):
        for marker in markers:  # a plain loop: this runs for every run of text between two tags
            if marker in text:
                return step(text)
        return text

    return quick_step


def speed_up_smartypants(pelican=None):
    for name, markers in STEPS.items():
        step = getattr(smartypants, name)
        if not hasattr(step, "__wrapped__"):  # once per process, however many builds it runs
            setattr(smartypants, name, skip_text_without(step, markers))


def register():
    signals.initialized.connect(speed_up_smartypants)
