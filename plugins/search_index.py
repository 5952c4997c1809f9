"""Index the site with Pagefind while Pelican writes it, so the search page finds posts with no server.

A page is searchable if its HTML holds `data-pagefind-body`: the templates put it on a post's or
page's own text, never on the listings that repeat it, nor on drafts. As soon as Pelican has written
a searchable page, it is hard-linked (copied, across file systems) into a batch folder outside the
output, under its path in the site, from which Pagefind computes its URL. Pagefind (its own Python
API, with the binary of the `pagefind_bin` package) runs in a thread of its own, and indexes whole
batch folders (`add_directory`) on another core while Pelican writes on: its client reads one reply
every tenth of a second, so one request per page would cost 0.1 s each.

A batch goes to Pagefind every 200 pages, and once the last of a generator's posts (or pages) is
written: Pagefind indexes the posts while Pelican writes them and the listings. Once every post and
page is written, Pagefind writes its index to a temporary folder. At the end of the build
(`finalized`), a searchable page written since (a template page's) is indexed and the index written
again, and the index is moved to pagefind/ in the output. A build that fails never gets there, so
nothing of Pagefind's reaches its output: the next build, or the end of the process, stops the
Pagefind it left and removes its folder.

SEARCH_INDEX: index the site (off unless set).
SEARCH_INDEX_TIMEOUT: the longest, in seconds, the build waits for Pagefind to answer any one
request, and for the index at its end (default 120); past it, the build stops with SearchIndexError.
"""

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import logging
import os
import pathlib
import shutil
import sys
import tempfile
import threading

from pagefind.service import PagefindService, get_executable
from pelican import signals

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

logger = logging.getLogger(__name__)

# With this attribute on any page, Pagefind indexes only the pages that have it.
INDEXED_MARK = b"data-pagefind-body"
DEFAULT_TIMEOUT = 120
# Pagefind's client logs an error as it closes with a reply still due, from a Pagefind gone silent: the
# build has said so already (SearchIndexError), and under Pelican's fatal logging (tasks.py) the log
# would raise, and the client would never stop Pagefind.
logging.getLogger("pagefind").setLevel(logging.CRITICAL)
# Pagefind's client waits this long for the replies still due when it closes, before it ends Pagefind.
CLOSE_WAIT = 5
# Pages a batch holds at most, so that Pagefind indexes the posts as Pelican writes them, rather than
# all of them after the last. A thousand posts take Pagefind about a second: 200 take about 0.2 s, twice
# the wait for each reply.
BATCH_PAGES = 200

# Pelican's lists of the posts and pages each generator writes on pages of their own; drafts are
# never indexed (see macros.html), and Pelican writes them after the listings.
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
)


class SearchIndexError(RuntimeError):
    pass


running = set()  # the indexers whose thread has not ended


@atexit.register
def stop_running_indexers():
    """Stop every Pagefind still running as the process ends, and wait until its folder is removed.

    Pagefind would otherwise stop only once this process has gone, and its folder would be removed
    first (tempfile), while a request under way, after a failed build, could still write into it."""
    for indexer in list(running):
        indexer.stop()
    for indexer in list(running):
        if not indexer.wait_stopped():
            print(f"Pagefind did not stop in time: {indexer.folder.name} may remain.", file=sys.stderr)


class Indexer:
    """Pagefind in a thread with its own event loop, carrying out the build's requests in order.

    The build hands it requests without waiting, and waits once, at its end (finish), until every
    request is carried out. Pagefind reads and writes only in `folder`, which the indexer removes
    once the build has stopped it (stop) and Pagefind has stopped."""

    def __init__(self, output_path, folder, timeout):
        self.output_path = output_path  # named in messages
        self.folder = folder
        self.timeout = timeout
        self.finished = concurrent.futures.Future()  # done once every request is carried out, or one failed
        self.stopping = threading.Event()
        self.readers = set()  # the tasks in which Pagefind's client reads its replies
        self.service = None
        self.loop = asyncio.new_event_loop()
        # Tasks of Pagefind's client left over once a request has failed: the build knows already.
        self.loop.set_exception_handler(
            lambda loop, context: logger.debug("Pagefind: %s", context["message"])
        )
        self.requests = asyncio.Queue()  # functions of the index; None once the build has no more
        self.thread = threading.Thread(target=self.run, name="search index", daemon=True)
        running.add(self)
        self.thread.start()

    def index_folder(self, path):
        self.send(functools.partial(index_and_remove, path=path))

    def write_index(self, path):
        self.send(functools.partial(write_whole_files, output_path=path))

    def finish(self):
        """Wait until every request is carried out: the last index asked for is written."""
        self.send(None)
        concurrent.futures.wait([self.finished], timeout=self.timeout)
        if not self.finished.done():
            raise SearchIndexError(self.did_not_answer())
        self.raise_failure()

    def stop(self):
        """Stop Pagefind, with nothing more written, then remove the folder, in the background."""
        if not self.stopping.is_set():  # once: the indexer then ends, and its loop closes
            self.stopping.set()
            self.loop.call_soon_threadsafe(self.requests.put_nowait, None)

    def raise_failure(self):
        """A Pagefind that failed fails the build at once, rather than at its end."""
        if self.finished.done() and self.finished.exception():
            self.stop()
            self.finished.result()

    def send(self, request):
        self.raise_failure()
        self.loop.call_soon_threadsafe(self.requests.put_nowait, request)

    def run(self):
        try:
            with asyncio.Runner(loop_factory=lambda: self.loop) as runner:
                runner.run(self.serve())
        finally:
            running.discard(self)

    def wait_stopped(self):
        """Wait until Pagefind has stopped and the folder is removed (after stop); False if it took too long."""
        self.thread.join(2 * self.timeout + CLOSE_WAIT)  # the request under way, then the client's close()
        return not self.thread.is_alive()

    async def serve(self):
        """Start Pagefind and carry out the build's requests, then wait until the build stops it."""
        try:
            await self.carry_out_requests(await self.start_pagefind())
            if not self.stopping.is_set():
                self.finished.set_result(None)
        except Exception as error:  # whatever it is, the build must learn that it has no index
            if not isinstance(error, SearchIndexError):
                error = SearchIndexError(f"Pagefind failed while indexing {self.output_path}: {error!r}")
            self.finished.set_exception(error)
        while not self.stopping.is_set():
            await self.requests.get()
        # A close() that fails leaves Pagefind to end with this process, which holds its input.
        with contextlib.suppress(Exception):
            await self.stop_pagefind()
        self.folder.cleanup()

    async def carry_out_requests(self, index):
        """Send each request as it comes, then check Pagefind's replies in turn.

        A request goes without waiting for the replies to those before it: Pagefind carries out its
        requests one after another, in the order sent, and its client reads a reply only every tenth of
        a second. So Pagefind starts writing the index as soon as it has indexed the last pages."""
        replies = asyncio.Queue()  # a task for each request sent, in order; None after the last
        sender = asyncio.ensure_future(self.send_requests(index, replies))
        try:
            while reply := await replies.get():
                await self.answer(reply)
        finally:
            sender.cancel()

    async def send_requests(self, index, replies):
        while (request := await self.requests.get()) and not self.stopping.is_set():
            replies.put_nowait(asyncio.ensure_future(request(index)))
        replies.put_nowait(None)

    async def start_pagefind(self):
        if get_executable() is None:
            raise SearchIndexError(
                f"Pagefind is not installed, so {self.output_path} cannot have a search index: "
                "run `pip install -r requirements.txt`."
            )
        try:
            self.service = await asyncio.wait_for(PagefindService().launch(), self.timeout)
        except TimeoutError:
            raise SearchIndexError(self.did_not_answer()) from None
        except OSError as error:
            raise SearchIndexError(
                f"Pagefind ({get_executable()}) could not start to index {self.output_path}: {error.strerror}."
            ) from None
        # Its client reads replies in a task of its own, which ends when Pagefind stops: no reply follows.
        self.readers = asyncio.all_tasks() - {asyncio.current_task()}
        return await self.answer(self.service.create_index())

    async def answer(self, request):
        """Pagefind's reply to a request; SearchIndexError if it fails, stops or is silent too long."""
        reply = asyncio.ensure_future(request)
        await asyncio.wait({reply, *self.readers}, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
        if reply.done() and reply.exception() is None:
            return reply.result()
        if reply.done() and not isinstance(reply.exception(), ConnectionError):
            error = reply.exception()  # Pagefind's own error: its message, then the request it failed
            raise SearchIndexError(
                f"Pagefind could not index {self.output_path}: {error.args[0] if error.args else error!r}"
            )
        if not reply.done() and not any(reader.done() for reader in self.readers):
            raise SearchIndexError(self.did_not_answer())
        # Stopped: the pipe to it closed, or its replies ended. Its reader ends once it has read all it said.
        if self.readers:
            await asyncio.wait(self.readers, timeout=self.timeout)
        raise SearchIndexError(f"Pagefind stopped while indexing {self.output_path}: {self.last_words()}")

    def did_not_answer(self):
        return f"Pagefind did not answer within {self.timeout:g} s while indexing {self.output_path}."

    def last_words(self):
        """What Pagefind printed as it stopped: its client reads what it prints with its replies."""
        for reader in self.readers:
            if reader.done() and not reader.cancelled():
                said = getattr(reader.exception(), "partial", b"").decode(errors="replace").strip()
                if said:
                    return said
        return "it gave no reason."

    async def stop_pagefind(self):
        """Stop Pagefind, unless it has stopped already."""
        service, self.service = self.service, None
        if service and not any(reader.done() for reader in self.readers):
            await asyncio.wait_for(service.close(), CLOSE_WAIT + self.timeout)


async def index_and_remove(index, path):
    """Index the pages of a batch folder, then remove it (only the links go), while the build goes on."""
    await index.add_directory(path)
    shutil.rmtree(path)


async def write_whole_files(index, output_path):
    """Pagefind writes its index, and answers before its last bytes are written (Pagefind 1.5.2, issue
    1271): ended then, it would leave files cut short. They are whole once none is open for writing."""
    await index.write_files(output_path=output_path)
    while any_open_for_writing(output_path):
        await asyncio.sleep(0.01)


def any_open_for_writing(folder):
    """Whether a process has a file in folder open for writing: Linux then grants no read lease on it."""
    if not hasattr(fcntl, "F_SETLEASE"):
        return False  # no way to tell on this system
    for path in pathlib.Path(folder).rglob("*"):
        if path.is_file():
            with open(path, "rb") as file:
                try:
                    fcntl.fcntl(file, fcntl.F_SETLEASE, fcntl.F_RDLCK)
                except BlockingIOError:
                    return True
                except OSError:
                    return False  # a file system without leases: no way to tell
                fcntl.fcntl(file, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False


def link_or_copy(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        pass  # written twice: the link already is the file, as last written
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


def is_searchable(path):
    with open(path, "rb") as page:
        return INDEXED_MARK in page.read()


class SiteIndex:
    """The search index of one build: searchable pages go to Pagefind in batches, as Pelican writes them."""

    def __init__(self, output_path, timeout=DEFAULT_TIMEOUT):
        self.output_path = output_path
        self.timeout = timeout
        self.folder = None  # made, and Pagefind started, once Pelican has read the posts
        self.indexer = None
        self.unwritten = []  # for each generator, the files of its posts and pages still to write
        self.folders_made = 0
        self.pages_in_batch = 0
        self.batch = None  # the folder of the searchable pages written since the last batch was sent
        self.index = None  # the folder of the last index asked for
        self.index_current = False  # asked for, and no searchable page written since

    def expect(self, generators):
        """Start Pagefind, and note the files of the posts and pages each generator will write."""
        # Not before: the reading processes (plugins/parallel_reading.py) are forked while Pelican reads.
        # Removed at the end of the build, or of the process if a build fails with no other after it.
        self.folder = tempfile.TemporaryDirectory(prefix="search-index-", ignore_cleanup_errors=True)
        self.indexer = Indexer(self.output_path, self.folder, self.timeout)
        for generator in generators:
            paths = {
                os.path.abspath(os.path.join(self.output_path, item.save_as))
                for name in CONTENT_LISTS
                for item in getattr(generator, name, ())
                if getattr(item, "save_as", None)
            }
            if paths:
                self.unwritten.append(paths)

    def page_written(self, path):
        self.indexer.raise_failure()
        if is_searchable(path):
            self.batch = self.batch or self.next_folder("batch")
            link_or_copy(path, os.path.join(self.batch, os.path.relpath(path, self.output_path)))
            self.index_current = False
            self.pages_in_batch += 1
            if self.pages_in_batch == BATCH_PAGES:
                self.send_batch()
        for paths in self.unwritten:
            if path in paths:
                paths.discard(path)
                if not paths:  # all of a generator's posts or pages: Pagefind indexes them as Pelican goes on
                    self.unwritten.remove(paths)
                    self.send_batch()
                    if not self.unwritten:
                        self.write_index()
                break

    def next_folder(self, kind):
        self.folders_made += 1
        return os.path.join(self.folder.name, f"{kind}-{self.folders_made}")

    def send_batch(self):
        if self.batch:
            self.indexer.index_folder(self.batch)
            self.batch = None
            self.pages_in_batch = 0

    def write_index(self):
        """Pagefind writes the index of every page sent, unless it has already, with no page since."""
        self.send_batch()
        if not self.index_current:
            self.index = self.next_folder("index")
            self.indexer.write_index(self.index)
            self.index_current = True

    def finish(self):
        """Index what is left, then move the index to pagefind/ in the output."""
        try:
            self.write_index()
            self.indexer.finish()
            bundle = os.path.join(self.output_path, "pagefind")
            shutil.rmtree(bundle, ignore_errors=True)  # the last build's, in an output folder built again
            shutil.move(self.index, bundle)
        finally:
            self.stop()

    def stop(self):
        if self.indexer:
            self.indexer.stop()


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
    global site_index
    if site_index:
        finishing, site_index = site_index, None
        finishing.finish()


def register():
    signals.initialized.connect(start)
    signals.all_generators_finalized.connect(expect_pages)
    signals.content_written.connect(add_page)
    signals.finalized.connect(finish)
