"""The stylesheet's own rules (read without its comments): tokens first, dark mode only reassigns colours."""

import re

from helpers import ROOT

STYLESHEET = re.sub(
    r"/\*.*?\*/",
    "",
    (ROOT / "theme" / "static" / "css" / "main.css").read_text(encoding="utf-8"),
    flags=re.DOTALL,
)


def block_after(selector):
    """The body of the brace block that opens right after `selector` (nested braces included)."""
    start = STYLESHEET.index("{", STYLESHEET.index(selector)) + 1
    depth, position = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(STYLESHEET[position], 0)
        position += 1
    return STYLESHEET[start : position - 1]


DECLARATION = re.compile(r"([\w-]+)\s*:\s*[^;{}]+;")


def test_first_rule_is_the_token_block():
    assert STYLESHEET.lstrip().startswith(":root {")


def test_dark_block_only_reassigns_colour_tokens():
    dark_block = block_after("@media (prefers-color-scheme: dark)")
    reassigned = DECLARATION.findall(dark_block)
    colour_tokens = {
        name for name in DECLARATION.findall(block_after(":root")) if name.startswith("--color-")
    }
    assert reassigned and set(reassigned) <= colour_tokens, reassigned
    # Nothing but one :root rule around those declarations: no selector restyles anything in dark mode.
    assert " ".join(DECLARATION.sub("", dark_block).split()) == ":root { }"


def test_page_declares_both_colour_schemes():
    assert "color-scheme: light dark;" in block_after(":root")
