"""Putting the last good site back: the files the live preview wrote into the output folder ahead of
a full build, each remembered as it was before.

A first look (first_look.py) and a copied theme file change output/ at once, before the full build
that follows has checked the sources. If that build fails, `restore()` makes output/ the last good
site again, byte for byte; if it succeeds, its folder replaces output/ whole and `forget()` drops
what was remembered.
"""

from pathlib import Path


class Undo:
    """Each file written into the output folder since the last good site, as that site had it."""

    def __init__(self, output):
        self.output = Path(output)
        self.kept = {}  # path -> its bytes in the last good site, or None where it had no such file

    def keep(self, file):
        """Remember an output file (relative to the output folder) before it is written; the first time counts."""
        path = self.output / file
        if path not in self.kept:
            self.kept[path] = path.read_bytes() if path.is_file() else None

    def restore(self):
        """Put the last good site back: its files as they were, and none that it did not have. The files
        (relative to the output folder) whose bytes this changed."""
        changed = []
        for path, data in self.kept.items():
            now = path.read_bytes() if path.is_file() else None
            if now == data:
                continue
            if data is None:
                path.unlink()
                remove_empty_folders(path.parent, self.output)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            changed.append(path.relative_to(self.output).as_posix())
        self.forget()
        return changed

    def forget(self):
        self.kept = {}


def remove_empty_folders(folder, root):
    """Remove `folder` and its parents up to `root` while they are empty, as a clean build never makes them."""
    while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
