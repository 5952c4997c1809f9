"""Build benchmark: our settings and theme against plain Pelican with its notmyidea theme, cold and warm.

    python -m bench.builds                      # 1,000 generated posts, best of 3 rounds
    python -m bench.builds --posts 200 --rounds 1
    python -m bench.builds --pages 703          # a site of many pages
    python -m bench.builds --before /tmp/older-checkout   # an earlier checkout's builds beside ours

Every build runs in a fresh subprocess, so each pays for its own imports, as a real `pelican` command
does. Ours builds with the project's settings (ourblog/settings.py) and the seed page's site name, never
the author's pelicanconf.py. The figures that count are ratios of builds of one run: the machines this
runs on are shared, and absolute times move with whatever else they do. CPU time (where the system
tells it, not on Windows) counts the build and what it waits for (Pagefind), and steadies when other
work shares the machine.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.posts import write_pages, write_posts

try:
    import resource
except ImportError:  # Windows
    resource = None

ROOT = Path(__file__).resolve().parent.parent
SEED_CONTENT = ROOT / "tests" / "sites" / "seed" / "content"
OUR_SETTINGS = """from ourblog.settings import *  # noqa: F403

SITENAME = "Our Blog"
SITESUBTITLE = "This is an optional subtitle."
TIMEZONE = "Europe/London"
"""
# Pelican's defaults with its notmyidea theme and no typography. Pagination and feeds as our local build
# has them, so both write the same kinds of page and the ratio measures theme, plugins and typography.
NOTMYIDEA = {
    "THEME": "notmyidea",
    "TYPOGRIFY": False,
    "TIMEZONE": "Europe/London",
    "DEFAULT_PAGINATION": 10,
    "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
    "TRANSLATION_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
}
BUILD_TIME_LIMIT = 1800
ADDED_PARAGRAPH = "One more paragraph, added after the first build."
# The targets of the issues, on wall time, what the author waits for.
RATIOS = [
    ("ours cold / notmyidea cold", "ours-cold", "notmyidea-cold", 1.5),
    ("ours warm / ours cold", "ours-warm", "ours-cold", 0.5),
    ("before cold / notmyidea cold", "before-cold", "notmyidea-cold", None),
    ("before warm / before cold", "before-warm", "before-cold", None),
]


def settings_for(kind, workspace, before=None):
    """Settings file and overrides for one of the builds, on the same content."""
    overrides = {
        "PATH": str(workspace / "content"),
        "OUTPUT_PATH": str(workspace / f"output-{kind}"),
        "CACHE_PATH": str(workspace / f"cache-{kind}"),
        # The warm path: each build saves Pelican's content cache and loads what the last one saved,
        # uncompressed for both, as ours keeps it.
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "GZIP_CACHE": False,
    }
    if kind == "notmyidea":
        return None, {**overrides, **NOTMYIDEA}
    if kind == "before":
        return str(before / "pelicanconf.py"), overrides
    settings = workspace / "bench_settings.py"
    settings.write_text(OUR_SETTINGS, encoding="utf-8")
    return str(settings), overrides


def build_in_process(settings_file, overrides):
    """One Pelican build (the child's side of measure_build)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    Pelican(read_settings(settings_file, override=overrides)).run()


def children_cpu():
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_build(settings_file, overrides, cwd):
    """Wall time and CPU time (s) of one build in its own process."""
    job = json.dumps({"settings": settings_file, "overrides": overrides})
    cpu_before, start = children_cpu(), time.perf_counter()
    command = [sys.executable, "-m", "bench.builds", "--child", job]
    result = subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, timeout=BUILD_TIME_LIMIT, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"The build with {settings_file or 'notmyidea'} failed: see the messages above.")
    cpu = children_cpu()
    return seconds, None if cpu is None else cpu - cpu_before


def change_one_post(content):
    """What an author does between two builds: edit one post."""
    post = content / "post-00000.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\n{ADDED_PARAGRAPH}\n", encoding="utf-8")


def require_changed_post(output):
    """A warm build that missed the edit would be quick for the wrong reason."""
    pages = [page for page in output.rglob("*.html") if "post-00000" in str(page)]
    if not any(ADDED_PARAGRAPH in page.read_text(encoding="utf-8") for page in pages):
        sys.exit(f"The warm build in {output} did not show the changed post.")


def one_round(source, workspace, before=None):
    """Cold builds of each on a fresh copy of the posts, then warm ones after one post changes."""
    shutil.copytree(source, workspace / "content")
    results = {}
    for phase in ("cold", "warm"):
        if phase == "warm":
            change_one_post(workspace / "content")
        for kind in ("ours", "notmyidea", *(["before"] if before else [])):
            settings_file, overrides = settings_for(kind, workspace, before)
            cwd = before if kind == "before" else ROOT
            results[f"{kind}-{phase}"] = measure_build(settings_file, overrides, cwd)
            if phase == "warm":
                require_changed_post(Path(overrides["OUTPUT_PATH"]))
    return results


def run(count, rounds, before=None, pages=0):
    """The best of some rounds for each build: the run least disturbed by whatever else the machine did."""
    with tempfile.TemporaryDirectory(prefix="blog-bench-") as folder:
        source = Path(folder) / "posts"
        shutil.copytree(SEED_CONTENT, source)
        write_posts(source, count)
        write_pages(source, pages)
        measured = [one_round(source, Path(folder) / f"round-{number}", before) for number in range(rounds)]
    best = {}
    for name in measured[0]:
        walls = [result[name][0] for result in measured]
        cpus = [result[name][1] for result in measured if result[name][1] is not None]
        best[name] = (min(walls), min(cpus) if cpus else None)
    return best


def print_table(results, count, rounds, pages=0):
    site = f"{count} posts (+1 real post)" + (f" and {pages} pages" if pages else "")
    print(f"\n{site}; each build in its own process, best of {rounds}\n")
    print(f"{'build':<16}{'wall s':>8}{'CPU s':>8}{'ms/post':>9}")
    for name, (seconds, cpu) in results.items():
        cpu_text = f"{cpu:>8.2f}" if cpu is not None else f"{'-':>8}"
        print(f"{name:<16}{seconds:>8.2f}{cpu_text}{seconds / count * 1000:>9.2f}")
    print(f"\n{'ratio':<28}{'wall':>6}{'CPU':>6}  target")
    for label, numerator, denominator, target in RATIOS:
        if numerator in results:
            wall = results[numerator][0] / results[denominator][0]
            cpus = results[numerator][1], results[denominator][1]
            cpu = f"{cpus[0] / cpus[1]:>6.2f}" if None not in cpus else f"{'-':>6}"
            print(f"{label:<28}{wall:>6.2f}{cpu}  " + (f"<= {target:.2f}" if target else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="how many posts to generate (1000)")
    parser.add_argument("--pages", type=int, default=0, help="how many pages to generate besides (0)")
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind; the best counts (3)")
    parser.add_argument("--before", type=Path, help="an earlier checkout, whose builds run beside ours")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        build_in_process(job["settings"], job["overrides"])
        return
    before = args.before.resolve() if args.before else None
    print_table(run(args.posts, args.rounds, before, args.pages), args.posts, args.rounds, args.pages)


if __name__ == "__main__":
    main()
