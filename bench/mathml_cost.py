"""What math as MathML costs a post of 50 formulas: conversion time, and bytes before and after.

    .venv/bin/python -m bench.mathml_cost

"Before" is the post as the site read it without plugins/mathml.py: its TeX shown as typed. The
post's 50 formulas are all different (35 inline, 15 displayed), so the first conversion converts
each; a second conversion of the same post, as the live preview does on a save, finds them cached.
"""

import gzip
import statistics
import time
from types import SimpleNamespace

from markdown import Markdown

import pelicanconf
from plugins import mathml, tex_to_mathml

INLINE = [
    r"\alpha_{K}",
    r"x_K^2",
    r"\frac{K}{n}",
    r"\mathbb{R}^{K}",
    r"\hat{\theta}_K",
    r"\sum_{i=1}^{K} w_i",
    r"\lVert x_K \rVert_2",
]
DISPLAYED = [
    r"\mathcal{L}(\theta) = -\frac{1}{K} \sum_{i=1}^{K} \left[ y_i \log \hat{y}_i + (1 - y_i) \log (1 - \hat{y}_i) \right]",
    r"\begin{aligned} \mu_K &= \frac{1}{n} \sum_{i=1}^{n} x_i \\ \sigma_K^2 &= \frac{1}{n - 1} \sum_{i=1}^{n} (x_i - \mu_K)^2 \end{aligned}",
    r"\Sigma_K = \begin{pmatrix} \sigma_1^2 & \rho \sigma_1 \sigma_2 \\ \rho \sigma_1 \sigma_2 & \sigma_2^2 \end{pmatrix}",
]
REPETITIONS = 20


def post_text():
    """A post of 50 different formulas: 15 paragraphs with two inline ones, each followed by a
    displayed one, then a paragraph of five more inline."""
    inline = [INLINE[number % len(INLINE)].replace("K", str(number)) for number in range(35)]
    parts = []
    for number in range(15):
        parts.append(f"With ${inline[2 * number]}$ and ${inline[2 * number + 1]}$ we have")
        parts.append(f"$$\n{DISPLAYED[number % len(DISPLAYED)].replace('K', str(number))}\n$$")
    parts.append("So " + ", ".join(f"${tex}$" for tex in inline[30:]) + ".")
    return "\n\n".join(parts)


def site_markdown(with_math):
    configs = pelicanconf.MARKDOWN["extension_configs"]
    extensions = [*configs, mathml.MathML(SimpleNamespace(path=""), {})] if with_math else [*configs]
    return Markdown(extensions=extensions, extension_configs=configs, output_format="html5")


def timed(md, text):
    start = time.perf_counter()
    html = md.convert(text)
    md.reset()
    return time.perf_counter() - start, html


def cold(md, text):
    """A conversion that converts every formula: the converter's cache emptied first."""
    tex_to_mathml.converted.cache_clear()
    return timed(md, text)[0]


def main():
    text = post_text()
    plain, with_math = site_markdown(False), site_markdown(True)
    html = with_math.convert(text)
    with_math.reset()
    assert html.count("<math") == 50 and "<code>" not in html, "the post must convert 50 formulas"
    before = statistics.median(timed(plain, text)[0] for _ in range(REPETITIONS))
    first = statistics.median(cold(with_math, text) for _ in range(REPETITIONS))
    again = statistics.median(timed(with_math, text)[0] for _ in range(REPETITIONS))
    print(f"Markdown to HTML, a post of 50 formulas (medians of {REPETITIONS} conversions):")
    print(
        f"  {before * 1000:.1f} ms with the TeX as text; with MathML, {first * 1000:.1f} ms converting each"
    )
    print(
        f"  formula, {again * 1000:.1f} ms when they are cached (the same post again, as the preview reads it)"
    )
    for name, page in (("TeX as text", plain.convert(text)), ("MathML", html)):
        data = page.encode("utf-8")
        print(f"  {name}: {len(data):,} bytes, {len(gzip.compress(data, 9)):,} gzipped")


if __name__ == "__main__":
    main()
