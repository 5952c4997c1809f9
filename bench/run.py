"""Build benchmark: our settings and theme against Pelican's own notmyidea theme, cold and warm;
and the live preview's latency, from a save until the browser shows it.

    python bench/run.py                # 1,000 generated posts; the preview at 100 and 1,000 posts
    python bench/run.py --posts 200    # a quicker run
    python bench/run.py --only builds --posts 66 --pages 703   # a site of many pages
    python bench/run.py --profile ours-cold --rounds 1   # cProfile one build: where the time goes
    python bench/run.py --only preview --saves 7 --preview-posts 1000
    python bench/run.py --only preview --project /tmp/older-checkout   # another version's preview

The preview is measured as an author meets it: `invoke livereload --port 0` runs in a copy of the
project (its sources, the fixture sites' settings, the seed post and the generated ones), Chromium
(Debian's, driven by Playwright) shows a post, and each save (a post's body, its title, the post
template) is timed until the page shows it, then until the output folder has been swapped for a full
build (settled). Then quick saves, each stopping the full build of the one before, up to 50: the
preview's main process's memory after 5 and after 50 saves must be the same. `--project` measures
the tasks of another checkout, for before and after.

Every build runs in a fresh subprocess, so each one pays for its own imports, as a real `pelican`
command does, and its peak memory is its own (ru_maxrss of that child alone).
"""

import argparse
import cProfile
import ctypes
import json
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The seed post, beside the generated ones: what a new clone holds, whatever content/ holds now.
SEED_CONTENT = ROOT / "tests" / "sites" / "seed" / "content"
SEED = 2019

VOCABULARY = """
agreement information military treaty alliance minister government security intelligence cabinet
statement policy border region trade export council summit analysis report source official defence
exchange nation island strategy decision review weekly history archive context public press budget
election committee protest record letter evidence study figure network channel signal crisis the a
of and to in on for with as by at from that which was were is are be it this not but or
"""
WORDS = VOCABULARY.split()
CATEGORIES = ["Politics", "Defence", "Trade", "History", "Notes", "Economy", "Culture", "Science"]
TAGS = [f"{region}-{topic}" for region in ("japan", "korea", "china", "us", "eu") for topic in WORDS[:8]]
LANGUAGES = ["python", "javascript", "bash", "json"]
SNIPPETS = {
    "python": 'def total(values):\n    """Add up the values."""\n    return sum(v for v in values if v)\n',
    "javascript": "const total = (values) => values.reduce((sum, v) => sum + v, 0);\nconsole.log(total([1, 2]));\n",
    "bash": 'for file in content/*.md; do\n  wc -w "$file"\ndone\n',
    "json": '{\n  "title": "A post",\n  "tags": ["japan", "korea"],\n  "draft": false\n}\n',
}


def sentence(rng):
    """A sentence with the punctuation typography works on: quotes, apostrophes, dashes, ellipses."""
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"')
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), f"{rng.choice(WORDS)}'s")
    if rng.random() < 0.2:
        words.insert(rng.randrange(1, len(words)), "--")
    if rng.random() < 0.2:
        index = rng.randrange(1, len(words))
        words[index] = f"[{words[index]}](https://example.org/{rng.choice(WORDS)}/)"
    if rng.random() < 0.2:
        index = rng.randrange(1, len(words))
        words[index] = rng.choice(["*", "**", "`"]).join(["", words[index], ""])
    return " ".join(words) + rng.choice([".", ".", ".", "?", "..."])


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def post_body(rng):
    """About 700 words: paragraphs, headings, lists, a quote and a code block."""
    blocks = [paragraph(rng), paragraph(rng)]
    for _ in range(rng.randint(2, 4)):
        blocks.append(f"## {sentence(rng).rstrip('.?')}")
        blocks.append(paragraph(rng))
        kind = rng.choice(["bullets", "numbers", "quote", "code"])
        if kind == "bullets":
            blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 6))))
        elif kind == "numbers":
            blocks.append("\n".join(f"{n}. {sentence(rng)}" for n in range(1, rng.randint(3, 6))))
        elif kind == "quote":
            blocks.append(f"> {paragraph(rng)}")
        else:
            language = rng.choice(LANGUAGES)
            blocks.append(f"```{language}\n{SNIPPETS[language]}```")
        blocks.append(paragraph(rng))
    return "\n\n".join(blocks) + "\n"


def write_posts(folder, count, seed=SEED):
    """Write `count` Markdown posts into folder; the same seed writes the same files."""
    rng = random.Random(seed)
    for number in range(count):
        title = sentence(rng).rstrip(".?")[:70].replace("`", "").strip()
        metadata = {
            "Title": title,
            "Date": f"{2015 + number % 10}-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:00",
            "Slug": f"post-{number:05d}",
            "Category": rng.choice(CATEGORIES),
            "Tags": ", ".join(rng.sample(TAGS, rng.randint(1, 4))),
            # A Summary is optional; each post has one so that checkouts that required it (--before) build too.
            "Summary": sentence(rng),
        }
        front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items())
        (folder / f"post-{number:05d}.md").write_text(f"{front_matter}\n{post_body(rng)}", encoding="utf-8")


def write_pages(folder, count, seed=SEED):
    """Write `count` Markdown pages into folder/pages: a site of many pages, whose navigation is the cost."""
    rng = random.Random(seed + 1)
    (folder / "pages").mkdir(exist_ok=True)
    for number in range(count):
        title = sentence(rng).rstrip(".?")[:60].replace("`", "").strip()
        body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(1, 4)))
        page = f"Title: {title}\nSlug: page-{number:05d}\n\n{body}\n"
        (folder / "pages" / f"page-{number:05d}.md").write_text(page, encoding="utf-8")


def settings_for(theme, workspace, before=None):
    """Settings file and overrides for one of the builds, on the same content: ours, notmyidea's, or
    those of an earlier checkout of this project (`--before`)."""
    paths = {
        "PATH": str(workspace / "content"),
        "OUTPUT_PATH": str(workspace / f"output-{theme}"),
        "CACHE_PATH": str(workspace / f"cache-{theme}"),
        # The warm path: each build saves Pelican's content cache and loads what the last one saved.
        # Both builds keep it uncompressed, as ours does, so neither pays for gzip the other skips.
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "GZIP_CACHE": False,
    }
    if theme in ("ours", "before"):
        if theme == "ours" and READING_PROCESSES:
            paths["READING_PROCESSES"] = READING_PROCESSES
        return str((ROOT if theme == "ours" else before) / "pelicanconf.py"), paths
    # Pelican's defaults with its notmyidea theme and no typography. Pagination and feeds as our local
    # build has them, so both write the same pages and the ratio measures theme and typography.
    return None, {
        **paths,
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


def build_in_process(settings_file, overrides, profile_to=None):
    """One Pelican build (the child's side of measure_build)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    pelican = Pelican(read_settings(settings_file, override=overrides))
    if profile_to:
        cProfile.runctx("pelican.run()", globals(), {"pelican": pelican}, profile_to)
    else:
        pelican.run()


def measure_build(settings_file, overrides, profile_to=None):
    """Wall time (s), CPU time (s) and peak memory (MiB) of one build in its own process."""
    job = json.dumps({"settings": settings_file, "overrides": overrides, "profile": profile_to})
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--child", job], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"The build with {settings_file or 'notmyidea'} failed: see the messages above.")
    return seconds, usage.ru_utime + usage.ru_stime + cpu_of_orphans(), usage.ru_maxrss / 1024


READING_PROCESSES = None  # --reading-processes: ours reads on this many processes (default: every CPU)
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def adopt_orphans():
    """Have the builds' orphans re-parented to this process (Linux), so that their CPU time is counted.

    wait4() counts a build's descendants only as far as each was waited for. A build's reading
    processes are children of multiprocessing's fork server, which the build starts and never waits
    for: it exits just after the build, an orphan. Adopted, it is waited for here with its reading
    processes' time. Returns whether this works here."""
    if not sys.platform.startswith("linux"):
        return False
    return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def cpu_of_orphans(limit=30):
    """CPU seconds of the processes a build left behind, adopted by this one, once they have all exited."""
    deadline = time.monotonic() + limit
    seconds = 0.0
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:  # none left
            return seconds
        if pid:
            seconds += usage.ru_utime + usage.ru_stime
        elif time.monotonic() < deadline:
            time.sleep(0.01)
        else:
            sys.exit(f"A build left processes running for more than {limit} s after it ended.")


ADDED_PARAGRAPH = "One more paragraph, added after the first build."


def change_one_post(content):
    """What an author does between two builds: edit one post."""
    post = content / "post-00000.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\n{ADDED_PARAGRAPH}\n", encoding="utf-8")


def require_changed_post(output):
    """A warm build that missed the edit would be quick for the wrong reason."""
    pages = [page for page in output.rglob("*.html") if "post-00000" in str(page)]
    if not any(ADDED_PARAGRAPH in page.read_text(encoding="utf-8") for page in pages):
        sys.exit(f"The warm build in {output} did not show the changed post.")


def one_round(source, workspace, profile=None, before=None):
    """Cold builds of each on a fresh copy of the posts, then warm ones after one post changes."""
    shutil.copytree(source, workspace / "content")
    results = {}
    for phase in ("cold", "warm"):
        if phase == "warm":
            change_one_post(workspace / "content")
        for theme in ("ours", "notmyidea", *(["before"] if before else [])):
            name = f"{theme}-{phase}"
            profile_to = str(workspace / "profile") if profile == name else None
            settings_file, overrides = settings_for(theme, workspace, before)
            results[name] = measure_build(settings_file, overrides, profile_to=profile_to)
            if phase == "warm":
                require_changed_post(Path(overrides["OUTPUT_PATH"]))
            if profile_to:
                pstats.Stats(profile_to).sort_stats("cumulative").print_stats(40)
    return results


def run(count, rounds, profile=None, before=None, pages=0):
    """The best of some rounds for each build: the run least disturbed by whatever else the machine did."""
    with tempfile.TemporaryDirectory(prefix="blog-bench-") as folder:
        source = Path(folder) / "posts"
        shutil.copytree(SEED_CONTENT, source)
        write_posts(source, count)
        write_pages(source, pages)
        measured = [
            one_round(source, Path(folder) / f"round-{number}", profile, before) for number in range(rounds)
        ]
    best = {}
    for name in measured[0]:
        figures = zip(*(result[name] for result in measured), strict=True)  # wall times, CPU times, memory
        best[name] = tuple(min(values) for values in figures)
    return best


# The targets, on wall time: what the author waits for. CPU time shows the work each build does
# (ours spreads more work over every core), and steadies when other work shares the machine.
RATIOS = [
    ("ours cold / notmyidea cold", "ours-cold", "notmyidea-cold", 1.2),
    ("ours warm / ours cold", "ours-warm", "ours-cold", 0.5),
    ("before cold / notmyidea cold", "before-cold", "notmyidea-cold", None),
    ("before warm / before cold", "before-warm", "before-cold", None),
]


def print_table(results, count, rounds, pages=0):
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    site = f"{count} posts (+1 real post)" + (f" and {pages} pages" if pages else "")
    print(f"\n{site} on {cpus} CPUs; each build in its own process, best of {rounds}\n")
    print(f"{'build':<16}{'wall s':>8}{'CPU s':>8}{'ms/post':>9}{'peak MiB':>10}")
    for name, (seconds, cpu, memory) in results.items():
        print(f"{name:<16}{seconds:>8.2f}{cpu:>8.2f}{seconds / count * 1000:>9.2f}{memory:>10.0f}")
    print(f"\n{'ratio':<28}{'wall':>6}{'CPU':>6}  target")
    for label, numerator, denominator, target in RATIOS:
        if numerator in results:
            wall, cpu = (results[numerator][i] / results[denominator][i] for i in (0, 1))
            print(f"{label:<28}{wall:>6.2f}{cpu:>6.2f}  " + (f"<= {target:.2f}" if target else ""))


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
    parser.add_argument("--posts", type=int, default=1000, help="how many posts to generate (1000)")
    parser.add_argument("--pages", type=int, default=0, help="how many pages to generate besides (0)")
    parser.add_argument("--rounds", type=int, default=5, help="builds of each kind; the best counts (5)")
    parser.add_argument("--profile", choices=["ours-cold", "ours-warm", "notmyidea-cold", "notmyidea-warm"])
    parser.add_argument("--only", choices=["builds", "preview"], help="one of the two benchmarks")
    parser.add_argument("--preview-posts", default="100,1000", help="site sizes for the preview (100,1000)")
    parser.add_argument("--saves", type=int, default=5, help="saves of each kind in the preview (5)")
    parser.add_argument("--project", type=Path, default=ROOT, help="whose preview to measure (this one)")
    parser.add_argument("--before", type=Path, help="an earlier checkout, whose builds run beside ours")
    parser.add_argument("--reading-processes", type=int, help="ours reads on this many processes (every CPU)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        build_in_process(job["settings"], job["overrides"], job["profile"])
        return
    if args.only != "preview":
        global READING_PROCESSES  # one setting for every build of this run
        READING_PROCESSES = args.reading_processes
        if not adopt_orphans():
            print("CPU time leaves out the reading processes here: only Linux lets this process adopt them.")
        before = args.before.resolve() if args.before else None
        results = run(args.posts, args.rounds, args.profile, before, args.pages)
        print_table(results, args.posts, args.rounds, args.pages)
    if args.only != "builds":
        counts = [int(count) for count in args.preview_posts.split(",")]
        print_preview_table(run_preview(args.project.resolve(), counts, args.saves), args.saves, args.project)


if __name__ == "__main__":
    main()
