"""Build, preview, publish and test Our Blog: `invoke --list` shows every task."""

import logging
import os
import shlex
import shutil
import sys
import traceback
from datetime import datetime
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit
from pelican import Pelican
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings
from pelican.utils import clean_output_dir, slugify

ROOT = Path(__file__).resolve().parent

CONFIG = {
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "content": ROOT / "content",
    "output": ROOT / "output",
    # Pelican's content cache, for the quick rebuilds of `livereload`.
    "cache": ROOT / "cache",
    "host": "127.0.0.1",
    "port": 8000,
    # An rsync destination such as "deploy@example.org:/var/www/blog".
    "publish_target": os.environ.get("PUBLISH_TARGET", ""),
    "github_pages_branch": "gh-pages",
}


def shown(path):
    """A path as the author sees it: relative to the project, where it is inside."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


class FirstProblem(logging.Handler):
    """Keeps the first warning or error logged: with every warning fatal, it is why a build stopped."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.message = None

    def emit(self, record):
        if self.message is None:
            self.message = record.getMessage()


def staged_build(settings_file, **overrides):
    """Build into an empty staging folder, then swap it in: a failed build leaves output/ as it was."""
    output = Path(CONFIG["output"])
    # One per process, beside output/ so that swapping is a rename; made with mkdir, so with the umask.
    staging = output.with_name(f".staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    overrides = {"PATH": str(CONFIG["content"]), "OUTPUT_PATH": str(staging), **overrides}
    settings = read_settings(str(settings_file), override=overrides)
    try:
        run_pelican(settings)
        swap_in(staging, output, settings["OUTPUT_RETENTION"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_pelican(settings):
    """Run Pelican as `pelican --fatal warnings` does, but fail with one sentence, not a traceback."""
    init_pelican_logging(fatal="warnings", handler=None)
    problem = FirstProblem()
    logging.getLogger().addHandler(problem)
    try:
        Pelican(settings).run()
    except Exception as error:
        stop_what_the_build_started()
        reason = problem.message or f"{where_in_a_template(error)}{type(error).__name__}: {error}"
        raise Exit(f"Build failed (output/ is unchanged): {reason}", code=1) from None
    finally:
        logging.getLogger().removeHandler(problem)


# Plugins whose processes work beside a build, and the function each has to stop them.
PLUGIN_STOPS = {"parallel_reading": "stop_unfinished_copies"}


def stop_what_the_build_started():
    """After a failed build: reading processes may still be reading posts no one will use."""
    for plugin, stop in PLUGIN_STOPS.items():
        if plugin in sys.modules:  # loaded by Pelican, from PLUGIN_PATHS
            getattr(sys.modules[plugin], stop)()


def where_in_a_template(error):
    """ "theme/templates/tag.html, line 3: " for an error a template raised, else nothing."""
    # Jinja puts the template's own file and line into the traceback of an error raised in it.
    lines = [(frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(error.__traceback__)]
    templates = [(name, line) for name, line in lines if name.endswith(".html")]
    if not templates:
        return ""
    name, line = templates[-1]
    return f"{shown(Path(name))}, line {line}: "


def swap_in(staging, output, retention):
    """Make the staged build output/, then move in what a deploy target keeps there (.git, CNAME…).

    Nothing is deleted until the new output/ holds every kept entry: if a step fails, each entry is
    still in the previous output folder or the new one."""
    if not output.exists():
        staging.rename(output)
        return
    previous = output.with_name(staging.name + "-previous")
    output.rename(previous)
    try:
        staging.rename(output)
    except OSError:
        previous.rename(output)
        raise
    for name in retention:
        if (previous / name).exists() and not (output / name).exists():
            (previous / name).rename(output / name)
    shutil.rmtree(previous)


@task
def clean(c):
    """Delete the generated site, keeping what a deploy target needs (OUTPUT_RETENTION)."""
    retention = read_settings(str(CONFIG["settings"]))["OUTPUT_RETENTION"]
    clean_output_dir(str(CONFIG["output"]), retention)


@task
def build(c):
    """Build the site into output/ with the local settings."""
    staged_build(CONFIG["settings"])


@task(build)
def rebuild(c):
    """Build the site from nothing: every build starts in an empty folder, so this is `build`."""


@task(build)
def serve(c):
    """Build the site and serve output/ at http://127.0.0.1:8000/."""
    command = [sys.executable, "-m", "pelican", "--listen", "--settings", str(CONFIG["settings"])]
    command += ["--output", str(CONFIG["output"]), "--bind", CONFIG["host"], "--port", str(CONFIG["port"])]
    c.run(shlex.join(command), pty=False)


def build_with_cache():
    """Build with Pelican's content cache: only posts changed since the last build are read again."""
    cache = {"CACHE_PATH": str(CONFIG["cache"]), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    try:
        staged_build(CONFIG["settings"], **cache)
    except Exit as failure:  # keep serving the last good build: the author fixes the file and saves again
        print(failure.message, file=sys.stderr)


def build_without_stale_cache():
    """Build from a fresh cache: the cache keeps posts as the old settings and plugins made them."""
    shutil.rmtree(CONFIG["cache"], ignore_errors=True)
    build_with_cache()


@task
def regenerate(c):
    """Build the site and rebuild it whenever a source file changes, without a server (Ctrl-C stops)."""
    from watchfiles import watch

    build_without_stale_cache()
    for changes in watch(CONFIG["content"], ROOT / "theme", CONFIG["settings"]):
        if any(Path(path) == CONFIG["settings"] for _, path in changes):
            build_without_stale_cache()
        else:
            build_with_cache()


@task
def livereload(c):
    """Serve the site and rebuild it, refreshing the browser, whenever a source file changes."""
    from livereload import Server

    build_without_stale_cache()
    server = Server()
    for pattern in ("content/**/*", "theme/**/*"):
        server.watch(str(ROOT / pattern), build_with_cache)
    server.watch(str(CONFIG["settings"]), build_without_stale_cache)
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=str(CONFIG["output"]))


@task
def preview(c):
    """Build the site with the publish settings (absolute URLs, feeds)."""
    staged_build(CONFIG["publish_settings"])


def require_publish_target(target):
    if not target:
        raise Exit(
            "No publish target: set PUBLISH_TARGET to an rsync destination "
            "(for example PUBLISH_TARGET=deploy@example.org:/var/www/blog) "
            "or pass --target.",
            code=2,
        )


@task
def publish(c, target=CONFIG["publish_target"]):
    """Build with the publish settings and rsync output/ to PUBLISH_TARGET."""
    require_publish_target(target)
    preview(c)
    options = "--recursive --compress --checksum --delete --verbose"
    c.run(f"rsync {options} {CONFIG['output']}/ {shlex.quote(target)}")


@task
def gh_pages(c):
    """Build with the publish settings and push output/ to the gh-pages branch."""
    preview(c)
    branch = CONFIG["github_pages_branch"]
    c.run(f"ghp-import --no-jekyll --push --branch {branch} --message 'Publish site' {CONFIG['output']}")


# Opens every new post: what each metadata field does. The build removes HTML comments.
FIELD_GUIDE = """\
<!--
Metadata (the lines above the first blank line):
  Title:     the post's title; straight quotes, -- and ... become typographic.
  Subtitle:  optional; shown under the title.
  Date:      YYYY-MM-DD HH:MM, in the site's time zone.
  Modified:  optional; when the post last changed in substance, shown as "updated".
  Slug:      the post's address, /posts/<slug>/.
  Summary:   one sentence for listings, feeds, search results and link previews.
  Category:  one category.
  Tags:      comma-separated, lower case, words joined by hyphens.
  Authors:   optional; comma-separated names.
  Toc:       optional; true shows a table of contents of the ## and ### headings.
  Status:    draft (built and shown only locally), published, or hidden (built, never listed).
Images: put them in content/images/ and write ![what the image shows]({static}/images/name.png);
the description in brackets is required. Code: fence it with ``` and the language's name.
This comment is a note for you: the build removes it, and you may too.
-->
"""


@task(help={"title": "The post's title", "category": "Its category", "tags": "Comma-separated tags"})
def new_post(c, title, category="Notes", tags=""):
    """Write content/<slug>.md with every metadata field filled in, as a draft."""
    settings = read_settings(str(CONFIG["settings"]))
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    path = Path(CONFIG["content"]) / f"{slug}.md"
    if path.exists():
        raise Exit(f"{path} already exists: choose another title.", code=2)
    metadata = {
        "Title": title,
        "Date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "Slug": slug,
        "Summary": f"One sentence on what “{title}” is about.",
        "Category": category,
        # Lower-case words joined by hyphens, as content_checks requires: "South Korea" -> "south-korea".
        "Tags": ", ".join("-".join(tag.lower().split()) for tag in tags.split(",") if tag.strip()),
        "Status": "draft",
    }
    front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items() if value)
    path.write_text(f"{front_matter}\n{FIELD_GUIDE}\nWrite the post here, in Markdown.\n", encoding="utf-8")
    print(f"Wrote {shown(path)}: a draft until you delete its Status line.")


@task(help={"options": "Extra pytest options, e.g. '-k links'"})
def test(c, options=""):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest {options}", pty=False)


@task
def lint(c):
    """Check Python style with ruff."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
