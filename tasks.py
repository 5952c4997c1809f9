"""The author's tasks: `invoke --list` shows them, `invoke --help TASK` explains one.

Each is a few lines over the package ourblog/: it builds the site (into a staging folder that replaces
output/ only when the whole build succeeded), serves and previews it, and moves an old blog in.
"""

import os
import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import task
from invoke.exceptions import Exit
from pelican.settings import get_settings_from_file, read_settings
from pelican.utils import clean_output_dir, slugify

from ourblog import build as site
from ourblog import server
from ourblog.profile import BuildProfile

ROOT = Path(__file__).resolve().parent
CONFIG = {
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "host": "127.0.0.1",
    "port": 8000,
    # An rsync destination such as "deploy@example.org:/var/www/blog".
    "publish_target": os.environ.get("PUBLISH_TARGET", ""),
    # Where `gh-pages` pushes: the branch GitHub Pages serves, on this git remote.
    "github_pages_branch": "gh-pages",
    "github_pages_remote": os.environ.get("GITHUB_PAGES_REMOTE", "origin"),
}


def settings(name="settings"):
    return read_settings(str(CONFIG[name]))


def run_build(settings_file, **overrides):
    try:
        return site.build(settings_file, **overrides)
    except site.BuildFailed as failure:
        raise Exit(str(failure), code=1) from None


@task(help={"profile": "Print where the time went: reading, each plugin, each template, writing"})
def build(c, profile=False):
    """Build the site into output/ with the local settings (drafts included)."""
    if not profile:
        run_build(CONFIG["settings"])
        return
    with BuildProfile() as timing:
        run_build(CONFIG["settings"])
    print(timing.report())


@task
def clean(c):
    """Delete the generated site, keeping what a deploy target keeps there (OUTPUT_RETENTION)."""
    local = settings()
    clean_output_dir(local["OUTPUT_PATH"], local["OUTPUT_RETENTION"])


@task(build, help={"port": "The port to serve on (8000); 0 lets the system choose"})
def serve(c, port=CONFIG["port"]):
    """Build the site and serve output/ at http://127.0.0.1:8000/, as a static host would (Ctrl-C stops)."""
    server.serve_until_stopped(site.shown(settings()["OUTPUT_PATH"]), CONFIG["host"], int(port))


@task(help={"port": "The port to serve on (8000); 0 lets the system choose"})
def livereload(c, port=CONFIG["port"]):
    """Serve the site, show each save in the browser at once, then the full build's site (Ctrl-C stops)."""
    from ourblog.preview import live_preview  # watchfiles, only for this task

    live_preview(CONFIG["settings"], CONFIG["host"], int(port))


def site_address(required):
    """The address the published site lives at: SITEURL from the environment or publishconf.py."""
    address = os.environ.get("SITEURL") or get_settings_from_file(str(CONFIG["publish_settings"]))["SITEURL"]
    if not address and required:
        raise Exit(
            "No SITEURL: set the address the site will be served from, as in "
            "SITEURL=https://example.org/blog invoke publish (or write it in publishconf.py).",
            code=2,
        )
    return address or f"http://{CONFIG['host']}:{CONFIG['port']}"


def build_to_publish(address):
    """Build with the publish settings for the site's address; return the output folder."""
    run_build(CONFIG["publish_settings"], SITEURL=address)
    return settings("publish_settings")["OUTPUT_PATH"]


@task
def preview(c):
    """Build with the publish settings (feeds, sitemap, absolute URLs); SITEURL defaults to the local server."""
    address = site_address(required=False)
    run_build(CONFIG["publish_settings"], SITEURL=address)
    print(f"Built output/ for {address} (set SITEURL to build for another address).")


@task(help={"target": "An rsync destination; PUBLISH_TARGET by default"})
def publish(c, target=CONFIG["publish_target"]):
    """Build with the publish settings and copy output/ to PUBLISH_TARGET with rsync."""
    if not target:
        raise Exit(
            "No publish target: set PUBLISH_TARGET to an rsync destination "
            "(for example PUBLISH_TARGET=deploy@example.org:/var/www/blog) or pass --target.",
            code=2,
        )
    address = site_address(required=True)
    if not shutil.which("rsync"):
        raise Exit("rsync is not installed, and publish copies the site with it: install rsync.", code=2)
    output = build_to_publish(address)
    c.run(f"rsync --recursive --compress --checksum --delete {shlex.quote(output)}/ {shlex.quote(target)}")


@task
def gh_pages(c):
    """Build with the publish settings and push output/ to the gh-pages branch of the git remote."""
    remote = CONFIG["github_pages_remote"]
    found = subprocess.run(["git", "remote", "get-url", remote], cwd=ROOT, capture_output=True, check=False)
    if found.returncode != 0:
        raise Exit(
            f'No git remote "{remote}": add it, or set GITHUB_PAGES_REMOTE to the one to push to.', code=2
        )
    output = build_to_publish(site_address(required=True))
    branch = CONFIG["github_pages_branch"]
    c.run(f"ghp-import --no-jekyll --push --remote {remote} --branch {branch} -m 'Publish site' {output}")


# Opens every new post: what each metadata field does. The build removes HTML comments.
FIELD_GUIDE = """\
<!--
Metadata (the lines above the first blank line); only Title and Date are required:
  Title:     the post's title; straight quotes, -- and ... become typographic.
  Subtitle:  shown under the title.
  Date:      YYYY-MM-DD HH:MM, in the site's time zone.
  Modified:  when the post last changed in substance, shown as "updated".
  Slug:      the last part of the post's address.
  Summary:   a sentence or two, in Markdown, for listings, feeds and link previews;
             without one, the first paragraph is used.
  Category:  one category.
  Tags:      comma-separated, written as you like them shown.
  Authors:   comma-separated names.
  Aliases:   comma-separated former addresses of the post, which will lead to it.
  Toc:       true shows a table of contents of the ## and ### headings.
  Status:    draft (built and shown only locally), published, or hidden (built, never listed).
Images: put them in content/images/ and write ![what the image shows]({static}/images/name.png);
the description in brackets is required. Code: fence it with ``` and the language's name.
This comment is a note for you: the build removes it, and you may too.
-->
"""


@task(help={"title": "The post's title", "category": "Its category", "tags": "Comma-separated tags"})
def new_post(c, title, category="Notes", tags=""):
    """Write content/<slug>.md, dated now in the site's time zone, with every field explained, as a draft."""
    local = settings()
    slug = slugify(title, regex_subs=local["SLUG_REGEX_SUBSTITUTIONS"])
    path = Path(local["PATH"]) / f"{slug}.md"
    if path.exists():
        raise Exit(f"{site.shown(path)} already exists: choose another title.", code=2)
    metadata = {
        "Title": title,
        "Date": datetime.now(ZoneInfo(local["TIMEZONE"])).strftime("%Y-%m-%d %H:%M"),
        "Slug": slug,
        "Category": category,
        "Tags": ", ".join(tag.strip() for tag in tags.split(",") if tag.strip()),
        "Status": "draft",
    }
    front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items() if value)
    path.write_text(f"{front_matter}\n{FIELD_GUIDE}\nWrite the post here, in Markdown.\n", encoding="utf-8")
    print(f"Wrote {site.shown(path)}: a draft until you delete its Status line.")


@task(help={"old_blog": "The old blog's folder", "settings": "Its settings file (OLD_BLOG/pelicanconf.py)"})
def move_in(c, old_blog, settings=""):
    """Move a Pelican blog in: its content into content/, and the settings of its addresses and feeds."""
    # Imported here: it reads the plugins' field names, which the other tasks have no need of.
    from ourblog import move_in as moving

    try:
        print(moving.move_in(old_blog, ROOT, settings or None).report())
    except moving.MoveInRefused as refusal:
        raise Exit(str(refusal), code=2) from None


@task(
    help={
        "quick": "Leave out the checks that need a browser or Java, and the slow ones",
        "options": "More pytest options",
    }
)
def test(c, quick=False, options=""):
    """Run the tests, on every core: the project's, on fixture sites, and the checks of your own site."""
    quick_options = '-m "not browser and not validator and not slow"' if quick else ""
    c.run(f"{sys.executable} -m pytest -n auto {quick_options} {options}", pty=False)


@task
def lint(c):
    """Check the Python code's style with ruff."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
