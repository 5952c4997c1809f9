"""Build benchmark: our settings and theme against Pelican's own notmyidea theme, cold and warm.

    python bench/run.py                # 1,000 generated posts
    python bench/run.py --posts 200    # a quicker run
    python bench/run.py --profile ours-cold --rounds 1   # cProfile one build: where the time goes
    python bench/run.py --reading-processes 1            # ours reading in the build's process only

Every build runs in a fresh subprocess, so each one pays for its own imports, as a real `pelican`
command does, and its peak memory is its own (ru_maxrss of that child alone). Its CPU time includes
its reading processes' (plugins/parallel_reading.py): see `adopt_orphans`.
"""

import argparse
import cProfile
import ctypes
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
            # Our front-matter rules require a Summary (plugins/content_checks.py).
            "Summary": sentence(rng),
        }
        front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items())
        (folder / f"post-{number:05d}.md").write_text(f"{front_matter}\n{post_body(rng)}", encoding="utf-8")


def settings_for(theme, workspace, reading_processes=None):
    """Settings file and overrides for one of the two builds, on the same content."""
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
    if theme == "ours":
        if reading_processes:
            paths["READING_PROCESSES"] = reading_processes
        return str(ROOT / "pelicanconf.py"), paths
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


def one_round(source, workspace, profile=None, reading_processes=None):
    """Cold builds of both themes on a fresh copy of the posts, then warm ones after one post changes."""
    shutil.copytree(source, workspace / "content")
    results = {}
    for phase in ("cold", "warm"):
        if phase == "warm":
            change_one_post(workspace / "content")
        for theme in ("ours", "notmyidea"):
            name = f"{theme}-{phase}"
            profile_to = str(workspace / "profile") if profile == name else None
            settings_file, overrides = settings_for(theme, workspace, reading_processes)
            results[name] = measure_build(settings_file, overrides, profile_to=profile_to)
            if phase == "warm":
                require_changed_post(Path(overrides["OUTPUT_PATH"]))
            if profile_to:
                pstats.Stats(profile_to).sort_stats("cumulative").print_stats(40)
    return results


def run(count, rounds, profile=None, reading_processes=None):
    """Every round's figures for each build, and the best of them: the run least disturbed by whatever
    else the machine did."""
    with tempfile.TemporaryDirectory(prefix="blog-bench-") as folder:
        source = Path(folder) / "posts"
        shutil.copytree(ROOT / "content", source)
        write_posts(source, count)
        measured = [
            one_round(source, Path(folder) / f"round-{number}", profile, reading_processes)
            for number in range(rounds)
        ]
    best = {}
    for name in measured[0]:
        figures = zip(*(result[name] for result in measured), strict=True)  # wall times, CPU times, memory
        best[name] = tuple(min(values) for values in figures)
    return measured, best


# The targets, on wall time: what the author waits for. CPU time shows the work each build does
# (ours spreads more work over every core), and steadies when other work shares the machine.
RATIOS = [
    ("ours cold / notmyidea cold", "ours-cold", "notmyidea-cold", 1.2),
    ("ours warm / ours cold", "ours-warm", "ours-cold", 0.5),
]


def print_rounds(measured):
    """Each round's wall and CPU seconds, to show how far apart runs of the same build fall."""
    print(f"\n{'round':<7}" + "".join(f"{name:>20}" for name in measured[0]))
    for number, results in enumerate(measured, start=1):
        cells = "".join(f"{f'{wall:.2f} / {cpu:.2f}':>20}" for wall, cpu, _ in results.values())
        print(f"{number:<7}{cells}")
    print(f"{'':<7}{'(wall s / CPU s)':>20}")


def print_table(results, count, rounds, reading_processes, cpu_counted):
    # Ours reads posts on every CPU it may use, as its plugin counts them; notmyidea's build uses one.
    sys.path.insert(0, str(ROOT))
    from plugins.parallel_reading import available_cpus

    cpus = available_cpus()
    processes = reading_processes or cpus
    print(f"\n{count} posts (+1 real post) on {cpus} CPUs, ours reading on {processes} processes;")
    print(f"each build in its own process, best of {rounds}\n")
    print(f"{'build':<16}{'wall s':>8}{'CPU s':>8}{'ms/post':>9}{'peak MiB':>10}")
    for name, (seconds, cpu, memory) in results.items():
        print(f"{name:<16}{seconds:>8.2f}{cpu:>8.2f}{seconds / count * 1000:>9.2f}{memory:>10.0f}")
    print(f"\n{'ratio':<28}{'wall':>6}{'CPU':>6}  target")
    for label, numerator, denominator, target in RATIOS:
        wall, cpu = (results[numerator][i] / results[denominator][i] for i in (0, 1))
        print(f"{label:<28}{wall:>6.2f}{cpu:>6.2f}  <= {target:.2f}")
    if not cpu_counted:
        print("\nCPU time leaves out the reading processes here: only Linux lets this process adopt them.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="how many posts to generate (1000)")
    parser.add_argument("--rounds", type=int, default=5, help="builds of each kind; the best counts (5)")
    parser.add_argument("--profile", choices=["ours-cold", "ours-warm", "notmyidea-cold", "notmyidea-warm"])
    parser.add_argument("--reading-processes", type=int, help="READING_PROCESSES for ours (default: its own)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        build_in_process(job["settings"], job["overrides"], job["profile"])
        return
    cpu_counted = adopt_orphans()
    measured, best = run(args.posts, args.rounds, args.profile, args.reading_processes)
    print_rounds(measured)
    print_table(best, args.posts, args.rounds, args.reading_processes, cpu_counted)


if __name__ == "__main__":
    main()
