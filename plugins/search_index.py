"""Index the site with Pagefind while Pelican writes it, so the search page finds posts with no server.

Pagefind (the `pagefind[bin]` package) runs as a service beside the build: each page holding
`data-pagefind-body` (a post's or page's own text, not the listings that repeat it) is sent to it
as soon as Pelican has written it, and Pagefind indexes it on the other core while Pelican renders
the next pages. When the build ends, Pagefind writes its index to pagefind/ in the output. Run on
the finished site instead, Pagefind could start only once the last page was written; on a thousand
posts the overlap takes about 0.2 s off a cold build and 0.3 s off a warm one (bench/run.py).
Off unless SEARCH_INDEX is set.

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

# With this attribute on any page, Pagefind indexes only the pages that have it.
INDEXED_MARK = "data-pagefind-body"


class SearchIndexError(RuntimeError):
    pass


class PagefindService:
    """One Pagefind process building one index: pages go in as they are written, the index comes out."""

    def __init__(self, output_path):
        self.output_path = output_path
        self.messages = tempfile.TemporaryFile()  # noqa: SIM115 (Pagefind's stderr, read by fail())
        self.process = subprocess.Popen(
            [str(get_executable()), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.messages,
        )
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
        """Send a written page to be indexed, under its address in the site."""
        with open(path, encoding="utf-8") as page:
            html = page.read()
        if INDEXED_MARK in html:
            relative = os.path.relpath(path, self.output_path).replace(os.sep, "/")
            self.send(
                {"type": "AddFile", "index_id": self.index_id, "file_path": relative, "file_contents": html}
            )
            self.read_replies(wait=False)

    def write_index(self):
        """Pagefind's index, written to pagefind/ once every page sent has been indexed."""
        bundle = os.path.join(self.output_path, "pagefind")
        # Pagefind stops as soon as its input closes, even with requests unanswered: wait, then close.
        self.request({"type": "WriteFiles", "index_id": self.index_id, "output_path": bundle})
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


service = None  # the running build's, once it has written a page
wanted_for = None  # the output folder of a build that indexes, until its service starts


def start(pelican):
    """Note whether this build indexes; a service a failed build left behind is stopped."""
    global service, wanted_for
    if service:
        service.stop()
        service = None
    wanted_for = pelican.output_path if pelican.settings.get("SEARCH_INDEX") else None


def add_page(path, context):
    # Started with the first page written, once the posts are read: the reading processes
    # (plugins/parallel_reading.py) are forked from a build without a pipe to Pagefind.
    global service
    if wanted_for and not service:
        service = PagefindService(wanted_for)
    if service and path.endswith(".html"):
        service.add(path)


def write_index(pelican):
    global service
    if wanted_for and not service:  # a build that wrote no page still gets an (empty) index
        service = PagefindService(wanted_for)
    if service:
        finishing, service = service, None
        finishing.write_index()


def register():
    signals.initialized.connect(start)
    signals.content_written.connect(add_page)
    signals.finalized.connect(write_index)
