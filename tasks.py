"""Build, preview, publish and test Our Blog: `invoke --list` shows every task."""

import os
import shlex
import shutil
import sys
from datetime import datetime
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit
from pelican import Pelican
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


def pelican(c, settings_file, *options):
    """Run Pelican with the given settings file; every warning fails the build."""
    command = [sys.executable, "-m", "pelican", str(CONFIG["content"])]
    command += ["--settings", str(settings_file), "--output", str(CONFIG["output"])]
    command += ["--fatal", "warnings", *options]
    c.run(shlex.join(command), pty=False)


@task
def clean(c):
    """Delete the generated site, keeping what a deploy target needs (OUTPUT_RETENTION)."""
    retention = read_settings(str(CONFIG["settings"]))["OUTPUT_RETENTION"]
    clean_output_dir(str(CONFIG["output"]), retention)


@task
def build(c):
    """Build the site into output/ with the local settings."""
    pelican(c, CONFIG["settings"])


@task(clean, build)
def rebuild(c):
    """Delete the generated site, then build it again."""


@task
def regenerate(c):
    """Build the site and rebuild it whenever a source file changes."""
    pelican(c, CONFIG["settings"], "--autoreload")


@task(build)
def serve(c):
    """Build the site and serve output/ at http://127.0.0.1:8000/."""
    options = ["--listen", "--bind", CONFIG["host"], "--port", str(CONFIG["port"])]
    pelican(c, CONFIG["settings"], *options)


def build_with_cache():
    """Build in process with Pelican's content cache: only posts changed since the last build are read."""
    overrides = {
        "OUTPUT_PATH": str(CONFIG["output"]),
        "CACHE_PATH": str(CONFIG["cache"]),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
    }
    try:
        Pelican(read_settings(str(CONFIG["settings"]), override=overrides)).run()
    except Exception as error:  # keep serving: the author fixes the file and saves again
        print(f"Build failed: {error}", file=sys.stderr)


def build_without_stale_cache():
    """Build from a fresh cache: the cache keeps posts as the old settings and plugins made them."""
    shutil.rmtree(CONFIG["cache"], ignore_errors=True)
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
    pelican(c, CONFIG["publish_settings"])


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
        "Tags": tags,
        "Status": "draft",
    }
    front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items() if value)
    path.write_text(f"{front_matter}\nWrite the post here, in Markdown.\n", encoding="utf-8")
    print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


@task(help={"options": "Extra pytest options, e.g. '-k links'"})
def test(c, options=""):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest {options}", pty=False)


@task
def lint(c):
    """Check Python style with ruff."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
