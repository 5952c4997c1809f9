"""Serving a built site on this machine, as a static host would, and telling its browsers when to reload.

`serve()` answers like a static host: a folder by its index.html, an address without an extension by the
.html file of that name, and an address that has nothing with the site's own 404.html and status 404.
With `live` (a LiveReload, for `invoke livereload`), every HTML page it serves carries a small script
that keeps a connection open (server-sent events, /.preview/events): the server names the page the
browser shows, and `LiveReload.reload()` tells the browsers that show a changed page to reload it, or,
for a stylesheet, to load it again in place. The standard library does all of it, on every platform.
"""

import contextlib
import functools
import http.server
import os
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from plugins.addresses import output_file_of

EVENTS = "/.preview/events"
SCRIPT = "/.preview/reload.js"
RELOAD_SCRIPT = b"""// The live preview: reload when the server says this page, or the stylesheet, has changed.
const events = new EventSource("/.preview/events?page=" + encodeURIComponent(location.pathname));
events.addEventListener("reload", (event) => {
  if (event.data !== "css") return location.reload();
  for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
    const url = new URL(link.href);
    url.searchParams.set("reloaded", Date.now());
    link.href = url.href;
  }
});
"""
SCRIPT_TAG = f'<script src="{SCRIPT}"></script>'.encode()
# A connection to a browser that heard nothing for this long is sent a comment, so that a closed one is
# noticed, and the server can stop.
KEEP_ALIVE = 10


class LiveReload:
    """The pages the connected browsers show, and the reloads they are due. Thread-safe: each browser's
    connection is served by a thread of its own, and the preview tells of changes from another."""

    def __init__(self):
        self.changed = threading.Condition()
        self.shown = {}  # connection -> the output file it shows ("posts/x/index.html")
        self.due = {}  # connection -> "page" or "css", once it is to reload
        self.stopping = False

    def connect(self, connection, page):
        with self.changed:
            self.shown[connection] = output_file_of(page)

    def disconnect(self, connection):
        with self.changed:
            self.shown.pop(connection, None)
            self.due.pop(connection, None)

    def shown_files(self):
        with self.changed:
            return sorted(set(self.shown.values()))

    def reload(self, files):
        """Reload the browsers that show one of these output files, or all of them for a stylesheet."""
        files = set(files)
        css = any(file.endswith(".css") for file in files)
        with self.changed:
            for connection, page in self.shown.items():
                if page in files:
                    self.due[connection] = "page"
                elif css:
                    self.due.setdefault(connection, "css")
            self.changed.notify_all()

    def next_reload(self, connection, timeout):
        """Wait until this connection is due a reload ("page" or "css"), or for `timeout`: None."""
        with self.changed:
            self.changed.wait_for(lambda: connection in self.due or self.stopping, timeout=timeout)
            return self.due.pop(connection, None)

    def stop(self):
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as static hosts do; with `live`, reloads the browsers that show it."""

    live = None  # a LiveReload, for the live preview

    def __init__(self, *args, live=None, **kwargs):
        self.live = live
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if self.live and path == EVENTS:
            return self.send_events()
        if self.live and path == SCRIPT:
            return self.send_bytes(200, RELOAD_SCRIPT, "text/javascript; charset=utf-8")
        file = self.site_file(path)
        if self.live and file and file.suffix == ".html":
            return self.send_bytes(200, with_reload_script(file.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def site_file(self, path):
        """The file a static host answers an address with, or None (a folder redirects to its slash)."""
        local = Path(self.translate_path(path))
        if local.is_file():
            return local
        if local.is_dir() and path.endswith("/") and (local / "index.html").is_file():
            return local / "index.html"
        return None

    def translate_path(self, path):
        local = super().translate_path(path)
        # An address without an extension is answered with the .html file of that name.
        if not os.path.exists(local) and os.path.isfile(local + ".html"):
            return local + ".html"
        return local

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.is_file():
            return super().send_error(code, message, explain)
        body = not_found_page.read_bytes()
        return self.send_bytes(
            404, with_reload_script(body) if self.live else body, "text/html; charset=utf-8"
        )

    def send_bytes(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_events(self):
        """A browser's open connection: a `reload` event whenever the page it shows changes."""
        page = unquote(parse_qs(urlsplit(self.path).query).get("page", ["/"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        connection = object()
        self.live.connect(connection, page)
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.live.stopping:
                kind = self.live.next_reload(connection, KEEP_ALIVE)
                self.wfile.write(f"event: reload\ndata: {kind}\n\n".encode() if kind else b": still here\n\n")
                self.wfile.flush()
        except OSError:  # the browser went away
            pass
        finally:
            self.live.disconnect(connection)


def with_reload_script(html):
    """A page with the live preview's script, before </body> (or at its end)."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a browser's open connection never keeps the process alive


@contextlib.contextmanager
def serve(folder, host="127.0.0.1", port=0, live=None):
    """Serve a folder in a thread while the block runs; yields its address, without a trailing slash.

    Port 0 asks the system for a free port: the address says which it gave."""
    handler = functools.partial(StaticHost, directory=str(folder), live=live)
    server = SiteServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        if live:
            live.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_until_stopped(folder, host, port):
    """Serve a built site until Ctrl-C."""
    with serve(folder, host, port) as address:
        print(f"Serving {folder} at {address}/ (Ctrl-C stops).", flush=True)
        while True:
            time.sleep(3600)
