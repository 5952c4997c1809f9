"""The site's search index, made by Pagefind's command line while Pelican writes the rest of the site.

A page is searchable if its HTML holds `data-pagefind-body`: the templates put it on a post's or page's
own text, never on the listings that repeat it, nor on drafts. As soon as Pelican has written a
searchable page, it is hard-linked (copied, across file systems) into a folder outside the output,
under its path in the site. Once every post and page is written, Pagefind (the binary of the
`pagefind_bin` package, run as a command) indexes that folder in a process of its own, on another core,
while Pelican goes on writing files. At the end of the build (`finalized`) the build waits for it,
indexes again if a searchable page was written since (a template page's), and moves the index to
pagefind/ in the output. Pagefind has written every file of its index once its process has ended: the
build never takes an index that is still being written. A build that fails stops it; nothing of it
reaches the output.

SEARCH_INDEX: index the site (off unless set).
SEARCH_INDEX_TIMEOUT: the longest, in seconds, the build waits for Pagefind (default 120); past it, the
build stops with a problem saying so.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pagefind_bin
from pelican import signals

from plugins import problems, public

# With this attribute on any page, Pagefind indexes only the pages that have it.
INDEXED_MARK = b"data-pagefind-body"
DEFAULT_TIMEOUT = 120
BUNDLE = "pagefind"


class SearchIndexError(RuntimeError):
    pass


def pagefind_command():
    """The Pagefind binary: PAGEFIND_BINARY_PATH, as Pagefind's own tools read it, else the package's."""
    return os.environ.get("PAGEFIND_BINARY_PATH") or str(pagefind_bin.get_executable())


def link_or_copy(source, target, folders_made):
    folder = os.path.dirname(target)
    if folder not in folders_made:  # a thousand pages are a few hundred folders
        os.makedirs(folder, exist_ok=True)
        folders_made.add(folder)
    try:
        os.link(source, target)
    except FileExistsError:
        pass  # written twice: the link already is the file, as last written
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


def is_searchable(path):
    with open(path, "rb") as page:
        return INDEXED_MARK in page.read()


running = set()  # every Indexing whose Pagefind may still run


@atexit.register
def stop_every_indexing():
    """No Pagefind outlives the process that started it: a build that failed, or was stopped, leaves one."""
    for indexing in list(running):
        indexing.stop()


class Indexing:
    """One run of Pagefind over a folder of pages, in a process of its own."""

    def __init__(self, pages, bundle, output_path, timeout):
        self.bundle = bundle
        self.output_path = output_path  # named in messages
        self.timeout = timeout
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed by wait())
        try:
            self.process = subprocess.Popen(
                [pagefind_command(), "--site", str(pages), "--output-path", str(bundle), "--silent"],
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            running.add(self)
        except OSError as error:
            self.log.close()
            raise SearchIndexError(
                f"Pagefind could not start to index the site: {error.strerror} "
                "(run `pip install -r requirements.txt`)."
            ) from None

    def wait(self):
        """Until Pagefind has written the whole index; SearchIndexError if it fails or takes too long."""
        try:
            status = self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SearchIndexError(
                f"Pagefind took more than SEARCH_INDEX_TIMEOUT ({self.timeout:g} s) to index "
                "the site, and was stopped."
            ) from None
        running.discard(self)
        self.log.seek(0)
        said = " ".join(self.log.read().decode(errors="replace").split())
        self.log.close()
        if status != 0 or not self.bundle.is_dir():
            raise SearchIndexError(f"Pagefind could not index the site: {said or f'status {status}'}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=self.timeout)
        running.discard(self)
        if not self.log.closed:
            self.log.close()


class SiteIndex:
    """The search index of one build: searchable pages gathered as Pelican writes them, then indexed."""

    def __init__(self, output_path, timeout):
        self.output_path = output_path
        self.timeout = timeout
        # Removed at the end of the build, or, for a build that failed, when the next one starts.
        self.folder = tempfile.TemporaryDirectory(prefix="search-index-", ignore_cleanup_errors=True)
        self.pages = Path(self.folder.name) / "pages"
        self.unwritten = None  # the output files of the posts and pages still to write
        self.indexing = None
        self.runs = 0
        self.folders_made = set()

    def expect(self, generators):
        self.unwritten = {
            os.path.abspath(os.path.join(self.output_path, item.save_as))
            for _, item in public.written_content(generators)
            if item.save_as
        }

    def page_written(self, path):
        if is_searchable(path):
            link_or_copy(path, str(self.pages / os.path.relpath(path, self.output_path)), self.folders_made)
            if self.indexing:  # written after the index was begun: it is made again at the end
                self.indexing.stop()
                self.indexing = None
        if self.unwritten is not None:
            self.unwritten.discard(os.path.abspath(path))
            if not self.unwritten and self.indexing is None:
                self.start_indexing()

    def start_indexing(self):
        self.runs += 1
        bundle = Path(self.folder.name) / f"index-{self.runs}"
        self.indexing = Indexing(self.pages, bundle, self.output_path, self.timeout)

    def finish(self):
        """Wait for the index of every searchable page, and move it to pagefind/ in the output."""
        try:
            if not self.pages.is_dir():
                return  # nothing searchable: a site with no post yet
            if self.indexing is None:
                self.start_indexing()
            self.indexing.wait()
            bundle = os.path.join(self.output_path, BUNDLE)
            shutil.rmtree(bundle, ignore_errors=True)  # the last build's, in an output folder built again
            shutil.move(self.indexing.bundle, bundle)
        finally:
            self.stop()

    def stop(self):
        if self.indexing:
            self.indexing.stop()
        self.folder.cleanup()


site_index = None  # the running build's; a failed build's, until the next build starts


def start(pelican):
    """A search index for this build, if it makes one; the Pagefind of a failed build before is stopped."""
    global site_index
    if site_index:
        site_index.stop()
    settings = pelican.settings
    site_index = None
    if settings.get("SEARCH_INDEX"):
        site_index = SiteIndex(pelican.output_path, settings.get("SEARCH_INDEX_TIMEOUT", DEFAULT_TIMEOUT))


def expect_pages(generators):
    if site_index:
        site_index.expect(generators)


def add_page(path, context):
    if site_index and path.endswith(".html"):
        site_index.page_written(path)


def finish(pelican):
    """Runs before plugins/problems.py's report (PLUGINS lists this first): a Pagefind that failed is
    one problem more, and a build that fails for another reason still stops its Pagefind here."""
    global site_index
    if site_index:
        finishing, site_index = site_index, None
        try:
            finishing.finish()
        except SearchIndexError as error:
            problems.report("", str(error))


def register():
    signals.initialized.connect(start)
    signals.all_generators_finalized.connect(expect_pages)
    signals.content_written.connect(add_page)
    signals.finalized.connect(finish)
