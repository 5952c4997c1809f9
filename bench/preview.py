"""The live preview's latency: from a save until the browser shows it, and until the site has settled.

    python -m bench.preview                      # at 100 and 1,000 posts, 5 saves of each kind
    python -m bench.preview --saves 7 --preview-posts 1000
    python -m bench.preview --project /tmp/older-checkout   # another version's preview

The preview is measured as an author meets it: `invoke livereload --port 0` runs in a copy of the
project (its sources, the fixture sites' settings, the seed post and the generated ones), Chromium
(Debian's, driven by Playwright) shows a post, and each save (a post's body, its title, the post
template) is timed until the page shows it, then until the output folder has been swapped for a full
build (settled). Then quick saves, each stopping the full build of the one before, up to 50: the
preview's main process's memory after 5 and after 50 saves must be the same. `--project` measures
the tasks of another checkout, for before and after. The build benchmark is bench/builds.py.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.posts import write_posts

ROOT = Path(__file__).resolve().parent.parent
SEED_CONTENT = ROOT / "tests" / "sites" / "seed" / "content"


# The live preview's latency ------------------------------------------------------------------------

PREVIEW_EDITS = ("body", "title", "template")
SHOWN_POST = "post-00050"  # a post of even the smaller site, neither the newest nor the oldest
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Time limits: the first build is a cold one of every post; a save not shown within a minute is lost.
SERVER_START_LIMIT = 900
SHOWN_LIMIT = 60
SETTLE_LIMIT = 600
STOP_LIMIT = 30
# After a save has settled, before the next: the browser's page and its events connection are back.
PAUSE_BETWEEN_SAVES = 0.5
# The main process's memory is read after this many saves, and after this many (the last ones quick,
# each stopping the full build of the one before).
MEMORY_AFTER = (5, 50)
ADDRESS_PRINTED = re.compile(rb"at (http://[\w.:]+?)/? ")
# What the preview's project is built with: the fixture sites' settings, never an author's pelicanconf.py.
PREVIEW_SETTINGS = Path("tests", "sites", "pelicanconf.py")
PROJECT_FILES = ["theme", "plugins", "ourblog", "tasks.py", "pyproject.toml"]


def preview_project(project, folder, count):
    """A copy of a project's sources, with the seed post and `count` generated posts."""
    folder.mkdir()
    for name in PROJECT_FILES:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy(source, folder / name)
    settings = project / PREVIEW_SETTINGS
    shutil.copy(settings if settings.is_file() else project / "pelicanconf.py", folder / "pelicanconf.py")
    shutil.copytree(SEED_CONTENT, folder / "content")
    write_posts(folder / "content", count)
    return folder


POST_TEMPLATE = Path("theme", "templates", "article.html")


def save(project, edit, marker, original_template):
    """What an author saves: a paragraph added to the post, its title, or a line in its template."""
    if edit == "template":
        line = f"{{% block content %}}\n<p>{marker}</p>"
        (project / POST_TEMPLATE).write_text(original_template.replace("{% block content %}", line, 1))
        return
    post = project / "content" / f"{SHOWN_POST}.md"
    text = post.read_text(encoding="utf-8")
    if edit == "body":
        text += f"\n{marker}\n"
    else:
        text = "\n".join(
            f"Title: {marker}" if line.startswith("Title:") else line for line in text.split("\n")
        )
    post.write_text(text, encoding="utf-8")


def output_folder_id(output):
    """Which folder output/ is: a settle swaps another in."""
    while True:
        try:
            return output.stat().st_ino
        except FileNotFoundError:  # between the two renames of a swap
            time.sleep(0.005)


def wait_until_settled(output, before, started):
    """Seconds from `started` until the output folder is another (swapped in by a full build)."""
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        if output_folder_id(output) != before:
            return time.perf_counter() - started
        time.sleep(0.01)
    sys.exit(f"The preview did not settle within {SETTLE_LIMIT} s.")


def save_and_time(page, project, edit, number, original_template, settle=True):
    """(shown, settled) seconds for one save; settled is None when not waited for."""
    marker = f"Bench marker {edit} {number} {time.time_ns()}"
    output_folder = output_folder_id(project / "output")
    started = time.perf_counter()
    save(project, edit, marker, original_template)
    page.wait_for_function(
        f"document.body.innerText.includes({marker!r})", timeout=SHOWN_LIMIT * 1000, polling="raf"
    )
    shown = time.perf_counter() - started
    settled = wait_until_settled(project / "output", output_folder, started) if settle else None
    return shown, settled


def resident_memory(pid):
    """The resident memory of a process, in MiB, as `ps` tells it (Linux, macOS); None elsewhere."""
    try:
        result = subprocess.run(
            ["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True, timeout=10
        )
        return int(result.stdout.strip()) / 1024
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def start_livereload(project, log):
    """`invoke livereload --port 0` in the project, printing into `log`: (its process, the address it printed)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", "0"],
        cwd=project,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + SERVER_START_LIMIT
    while time.monotonic() < deadline:
        match = ADDRESS_PRINTED.search(log.read_bytes())
        if match:
            return server, match.group(1).decode()
        if server.poll() is not None:
            sys.exit(f"`invoke livereload` stopped without serving:\n{log.read_text()}")
        time.sleep(0.1)
    server.kill()
    sys.exit(f"`invoke livereload` printed no address within {SERVER_START_LIMIT} s:\n{log.read_text()}")


def stop_livereload(server):
    server.terminate()  # as Ctrl-C, where there are signals: its build processes stop with it
    try:
        server.wait(timeout=STOP_LIMIT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=STOP_LIMIT)
        sys.exit(f"`invoke livereload` did not stop within {STOP_LIMIT} s of being asked to.")


def measure_preview(project, count, saves, browser):
    """({edit: [(shown, settled)…]}, {saves: MiB}) for `invoke livereload` with `count` posts."""
    with tempfile.TemporaryDirectory(prefix="blog-preview-bench-") as folder:
        copy = preview_project(project, Path(folder) / "project", count)
        log = Path(folder) / "livereload.log"
        server, address = start_livereload(copy, log)
        try:
            page = browser.new_page()
            page.goto(f"{address}/posts/{SHOWN_POST}/")
            time.sleep(1)  # the page's events connection opens once its script has run
            original_template = (copy / POST_TEMPLATE).read_text(encoding="utf-8")
            timings, memory, number = {}, {}, 0
            for edit in PREVIEW_EDITS:
                timings[edit] = []
                for _ in range(saves):
                    timings[edit].append(save_and_time(page, copy, edit, number, original_template))
                    number += 1
                    if number in MEMORY_AFTER:
                        memory[number] = resident_memory(server.pid)
                    time.sleep(PAUSE_BETWEEN_SAVES)
            while number < max(MEMORY_AFTER):
                number += 1
                last = number == max(MEMORY_AFTER)
                save_and_time(page, copy, "body", number, original_template, settle=last)
                if number in MEMORY_AFTER:
                    time.sleep(PAUSE_BETWEEN_SAVES)
                    memory[number] = resident_memory(server.pid)
            return timings, memory
        except Exception:
            print(f"What `invoke livereload` printed:\n{log.read_text()}", file=sys.stderr)
            raise
        finally:
            stop_livereload(server)


def run_preview(project, counts, saves):
    if not CHROMIUM.is_file():
        print(f"\nThe preview's latency needs Chromium at {CHROMIUM} (apt-get install chromium): left out.")
        return {}
    from playwright.sync_api import sync_playwright

    flags = [
        "--no-first-run",
        "--disable-background-networking",
        *(["--no-sandbox"] if getattr(os, "geteuid", lambda: 1)() == 0 else []),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags, timeout=60_000)
        try:
            return {count: measure_preview(project, count, saves, browser) for count in counts}
        finally:
            browser.close()


def print_preview_table(results, saves, project):
    if not results:
        return
    print(f"\nThe live preview of {project}: seconds from a save until Chromium shows it, and until the")
    print(f"output folder is a full build's (settled); median of {saves} saves, min-max in brackets\n")
    print(f"{'posts':>6}  {'edit':<9}{'shown':>22}{'settled':>22}")
    for count, (edits, _) in results.items():
        for edit, timings in edits.items():
            cells = []
            for figures in zip(*timings, strict=True):
                cells.append(f"{statistics.median(figures):.2f} ({min(figures):.2f}-{max(figures):.2f})")
            print(f"{count:>6}  {edit:<9}{cells[0]:>22}{cells[1]:>22}")
    print("\nThe main process's resident memory, settled, after some saves (MiB)\n")
    for count, (_, memory) in results.items():
        figures = "  ".join(
            f"after {saves_made}: {mib:.1f}" if mib else f"after {saves_made}: ?"
            for saves_made, mib in memory.items()
        )
        print(f"{count:>6}  {figures}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview-posts", default="100,1000", help="site sizes for the preview (100,1000)")
    parser.add_argument("--saves", type=int, default=5, help="saves of each kind in the preview (5)")
    parser.add_argument("--project", type=Path, default=ROOT, help="whose preview to measure (this one)")
    args = parser.parse_args()
    counts = [int(count) for count in args.preview_posts.split(",")]
    print_preview_table(run_preview(args.project.resolve(), counts, args.saves), args.saves, args.project)


if __name__ == "__main__":
    main()
