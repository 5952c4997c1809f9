"""Watching the site's sources for saves: watchfiles, in threads of their own, one batch per save.

`Watcher` watches folders (the content, the theme, the plugins) and the settings file, and hands each
batch of changed paths to a function (the live preview puts them on its queue). An editor's save is
several writes within milliseconds (a temporary file, a rename): watchfiles gathers them into one
batch once nothing has changed for WATCH_STEP_MS. `stop()` ends the threads, within a time limit.
"""

import threading
from pathlib import Path

import watchfiles

# watchfiles hands over a batch once nothing has changed for this long (ms).
WATCH_STEP_MS = 30
# How long the threads wait for changes before they look whether they are to stop (ms).
WATCH_TIMEOUT_MS = 500
# A thread still running this long after being told to stop is stuck.
STOP_TIME_LIMIT = 10


class Watcher:
    """Threads that call `changed(paths)` for each batch of files saved in `folders` or the settings file."""

    def __init__(self, folders, settings_file, changed):
        self.stopping = threading.Event()
        self.changed = changed
        folders = sorted({Path(folder) for folder in folders if Path(folder).is_dir()})
        settings_file = Path(settings_file)
        self.threads = [
            threading.Thread(target=self.watch, args=(folders,), name="watch sources", daemon=True),
            # The settings file through its folder, alone: an editor may save it as a new file, renamed.
            threading.Thread(
                target=self.watch,
                args=([settings_file.parent],),
                kwargs={"recursive": False, "watch_filter": lambda change, path: Path(path) == settings_file},
                name="watch settings",
                daemon=True,
            ),
        ]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def watch(self, folders, **options):
        if not folders:
            return
        for changes in watchfiles.watch(
            *folders,
            step=WATCH_STEP_MS,
            stop_event=self.stopping,
            rust_timeout=WATCH_TIMEOUT_MS,
            raise_interrupt=False,
            **options,
        ):
            self.changed({path for _, path in changes})

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            if thread.ident is not None:
                thread.join(timeout=STOP_TIME_LIMIT)
                if thread.is_alive():
                    raise RuntimeError(
                        f"The preview's thread {thread.name!r} did not stop within {STOP_TIME_LIMIT} s."
                    )
