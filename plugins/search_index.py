"""Index the finished site with Pagefind, so the search page finds posts with no server.

Pagefind (the `pagefind[bin]` package, run as `python -m pagefind`) reads the written HTML and
writes its index to pagefind/ in the output. Only elements marked `data-pagefind-body` (a post's or
page's own text) are indexed, not the listings that repeat it. Off unless SEARCH_INDEX is set.
"""

import subprocess
import sys

from pelican import signals


class SearchIndexError(RuntimeError):
    pass


def index_site(pelican):
    if not pelican.settings.get("SEARCH_INDEX"):
        return
    command = [sys.executable, "-m", "pagefind", "--site", pelican.output_path, "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind could not index {pelican.output_path}: {result.stderr.strip()}")


def register():
    signals.finalized.connect(index_site)
