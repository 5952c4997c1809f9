"""Index the site with Pagefind while Pelican writes it, so the search page finds posts with no server.

Pagefind (the `pagefind[bin]` package) runs as a service beside the build. Each page holding
`data-pagefind-body` (a post's or page's own text, not the listings that repeat it) is sent to it
as soon as Pelican has written it, and Pagefind indexes it on another core while Pelican renders
the next pages. Pelican writes the pages first, then the posts; once the last of them is written,
Pagefind writes its index to pagefind/ in the output while Pelican writes the listings. Run on the
finished site, Pagefind took 1.5 s after the last page of a thousand posts; it now takes 0.1 to
0.5 s (README, Performance). A page with text to index written after that (a plugin's, a template
page's) is indexed too, and the index written again when the build ends. Off unless SEARCH_INDEX
is set.

Requests and replies are base64-encoded JSON, each followed by a comma: Pagefind's service protocol,
as its own Python and Node clients speak it. Replies are read in this thread whenever a page is
sent, not by a thread of their own: one waiting on every reply slowed the rendering of the build
around it by half a second, taking turns with it for the interpreter.
"""

import base64
import json
import os
import subprocess
import tempfile

from pagefind.service import get_executable
from pelican import signals
from pelican.generators import PagesGenerator

# With this attribute on any page, Pagefind indexes only the pages that have it.
INDEXED_MARK = "data-pagefind-body"


class SearchIndexError(RuntimeError):
    pass


class PagefindService:
    """One Pagefind process building one index: pages go in as they are written, the index comes out."""

    def __init__(self, output_path):
        self.output_path = output_path
        executable = get_executable()
        if executable is None:
            raise SearchIndexError("Pagefind is not installed: run `pip install -r requirements.txt`.")
        self.messages = tempfile.TemporaryFile()  # noqa: SIM115 (Pagefind's stderr, read by fail())
        try:
            self.process = subprocess.Popen(
                [str(executable), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.messages,
            )
        except OSError as error:
            raise SearchIndexError(f"Pagefind ({executable}) could not start: {error.strerror}.") from None
        self.sent = 0
        self.answered = 0
        self.errors = []
        self.unfinished_reply = b""
        self.index_id = self.request({"type": "NewIndex", "config": None}).get("index_id")
        if self.index_id is None:
            self.fail()

    def send(self, payload):
        self.sent += 1
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
        except BrokenPipeError:
            self.fail()

    def request(self, payload):
        """Send, then wait for every reply; returns the last one."""
        self.send(payload)
        return self.read_replies(wait=True)

    def read_replies(self, wait):
        """Take Pagefind's replies: those already written, or (wait) until every request has one.

        Unread, replies would fill the pipe, and Pagefind would stop until they were read."""
        replies_fd = self.process.stdout.fileno()
        os.set_blocking(replies_fd, wait)
        last = {}
        while self.answered < self.sent:
            try:
                chunk = os.read(replies_fd, 1 << 16)
            except BlockingIOError:
                break  # nothing more yet
            if not chunk:
                self.fail(*self.errors)  # Pagefind stopped with requests unanswered
            *complete, self.unfinished_reply = (self.unfinished_reply + chunk).split(b",")
            for reply in complete:
                last = json.loads(base64.b64decode(reply))["payload"]
                self.answered += 1
                if last.get("type") == "Error":
                    self.errors.append(last.get("message", "an error"))
        return last

    def add(self, path):
        """Send a written page to be indexed, under its address in the site; False if it has no text to index."""
        with open(path, encoding="utf-8") as page:
            html = page.read()
        if INDEXED_MARK not in html:
            return False
        relative = os.path.relpath(path, self.output_path).replace(os.sep, "/")
        self.send(
            {"type": "AddFile", "index_id": self.index_id, "file_path": relative, "file_contents": html}
        )
        self.read_replies(wait=False)
        return True

    def write_index(self):
        """Ask for the index of the pages sent so far to be written to pagefind/, without waiting."""
        bundle = os.path.join(self.output_path, "pagefind")
        self.send({"type": "WriteFiles", "index_id": self.index_id, "output_path": bundle})
        self.read_replies(wait=False)

    def finish(self):
        """Wait until every request has its reply, the last index written; then stop Pagefind."""
        # Pagefind stops as soon as its input closes, even with requests unanswered: wait, then close.
        self.read_replies(wait=True)
        self.process.stdin.close()
        if self.process.wait() or self.errors:
            self.fail(*self.errors)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def fail(self, *errors):
        self.stop()
        self.messages.seek(0)
        said = "; ".join([*errors, self.messages.read().decode(errors="replace").strip()]).strip("; ")
        raise SearchIndexError(f"Pagefind could not index {self.output_path}: {said or 'it stopped'}")


# Pelican's lists of the posts and pages each generator writes on pages of their own; drafts are left
# out of the search index (see macros.html), and Pelican writes them after the listings.
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
)


class SiteIndex:
    """The search index of one build: Pagefind starts with the first page written and writes its
    index as soon as every post and page is written, while Pelican writes the listings after them."""

    def __init__(self, output_path):
        self.output_path = output_path
        self.service = None
        self.unwritten = None  # the files of posts and pages still to write, once Pelican has read them all
        self.index_written = False  # asked for, and nothing indexed since

    def expect(self, generators):
        self.unwritten = {
            os.path.abspath(os.path.join(self.output_path, item.save_as))
            for generator in generators
            for name in CONTENT_LISTS
            for item in getattr(generator, name, [])
            if item.save_as
        }

    def page_written(self, path):
        # Started with the first page written, once the posts are read: the reading processes
        # (plugins/parallel_reading.py) are forked from a build without a pipe to Pagefind.
        if self.service is None:
            self.service = PagefindService(self.output_path)
        if self.service.add(path):
            self.index_written = False  # a page after the index: it is written again at the end
        if self.unwritten:
            self.unwritten.discard(path)
            if not self.unwritten:
                self.write_index()

    def write_index(self):
        if self.service is None:  # a build that wrote no page still gets an (empty) index
            self.service = PagefindService(self.output_path)
        if not self.index_written:
            self.service.write_index()
            self.index_written = True

    def finish(self):
        self.write_index()
        self.service.finish()

    def stop(self):
        if self.service:
            self.service.stop()


site_index = None  # the running build's


def stop():
    """Stop the index of a build that failed: its Pagefind may be writing into the build's output."""
    global site_index
    if site_index:
        site_index.stop()
        site_index = None


def start(pelican):
    """A search index for this build, if it makes one; one a failed build left behind is stopped."""
    global site_index
    stop()
    site_index = SiteIndex(pelican.output_path) if pelican.settings.get("SEARCH_INDEX") else None


def expect_pages(generators):
    """Pages written first: Pelican then writes the posts, the listings, and the drafts last."""
    if site_index:
        # Pelican writes with the generators in this list's order; pages hold nothing listings need.
        generators.sort(key=lambda generator: not isinstance(generator, PagesGenerator))
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
