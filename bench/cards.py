"""Social cards benchmark: what a card costs to draw, and what cards add to a publish build, cold and warm.

    python -m bench.cards               # 1,000 generated posts
    python -m bench.cards --posts 200   # a quicker run

1. Drawing alone, on one core: each generated post's card drawn and encoded (plugins/social_cards.py's
   `draw`), milliseconds and kilobytes per card. The issue's targets: at most 40 ms and 100 KB.
2. Whole publish builds, each in its own process (bench/builds.py's `measure_build`), with cards and
   without (SOCIAL_CARDS_PATH unset): cold, with an empty card cache, then warm, with every card in
   it. The difference, per post, is what cards cost a build; a warm build copies cards, drawing none.
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.builds import measure_build
from bench.posts import write_posts
from plugins import social_cards

ROOT = Path(__file__).resolve().parent.parent

SITEURL = "https://example.org/blog"


def post_cards(content, settings):
    """The card of each generated post, as the plugin would plan it."""
    cards = []
    for path in sorted(content.glob("post-*.md")):
        front_matter = dict(
            line.split(": ", 1) for line in path.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
        )
        title = social_cards.drawable(front_matter["Title"])
        cards.append(social_cards.Card(settings["SITENAME"], title, front_matter["Date"].split()[0]))
    return cards


def time_drawing(cards, colours):
    """Milliseconds and bytes per card, drawn one after another on one core."""
    if hasattr(os, "sched_setaffinity"):  # one core, where the system lets a process choose (Linux)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    social_cards.draw(cards[0], colours)  # fonts loaded, as in a build after its first card
    milliseconds, sizes = [], []
    for card in cards:
        start = time.perf_counter()
        sizes.append(len(social_cards.draw(card, colours)))
        milliseconds.append((time.perf_counter() - start) * 1000)
    return milliseconds, sizes


def publish_build(workspace, cards_on, cache):
    overrides = {
        "PATH": str(workspace / "content"),
        "OUTPUT_PATH": str(workspace / f"output-{cards_on}"),
        "CACHE_PATH": str(cache),
        "SITEURL": SITEURL,
        "SOCIAL_CARDS_PATH": "cards" if cards_on else None,
        "DELETE_OUTPUT_DIRECTORY": True,
    }
    return measure_build(str(ROOT / "tests" / "sites" / "publishconf.py"), overrides, ROOT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="how many posts to generate (1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="blog-cards-") as folder:
        workspace = Path(folder)
        content = workspace / "content"
        shutil.copytree(ROOT / "tests" / "sites" / "seed" / "content", content)  # never the author's content/
        write_posts(content, args.posts)
        milliseconds, sizes = time_drawing(
            post_cards(content, {"SITENAME": "Our Blog"}), social_cards.theme_colours(ROOT / "theme")
        )
        print(f"\n{args.posts} cards drawn on one core")
        print(
            f"  ms per card   median {statistics.median(milliseconds):6.1f}   mean {statistics.mean(milliseconds):6.1f}   max {max(milliseconds):6.1f}   (target <= 40)"
        )
        print(
            f"  KB per card   mean {statistics.mean(sizes) / 1024:8.1f}   max {max(sizes) / 1024:6.1f}   (target <= 100)"
        )
        builds = {}
        for phase in ("cold", "warm"):
            for cards_on in (True, False):
                cache = workspace / f"cache-{cards_on}"
                if phase == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                builds[(phase, cards_on)] = publish_build(workspace, cards_on, cache)
    print(f"\nPublish builds of {args.posts} posts (+1 real post), each in its own process\n")
    print(f"{'build':<22}{'wall s':>8}{'CPU s':>8}")
    for (phase, cards_on), (seconds, cpu) in builds.items():
        cpu_text = f"{cpu:>8.2f}" if cpu is not None else f"{'-':>8}"
        print(f"{phase + (' with cards' if cards_on else ' without'):<22}{seconds:>8.2f}{cpu_text}")
    for phase in ("cold", "warm"):
        extra = builds[(phase, True)][0] - builds[(phase, False)][0]
        print(f"cards' wall time per post, {phase}: {extra / args.posts * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
