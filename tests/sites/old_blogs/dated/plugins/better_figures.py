# ruff: noqa
"""Stands for one of the old blog's own plugins: importing it leaves a mark beside it, then fails.

Moving the blog in must never import it (tests/test_move_in.py looks for the mark).
"""

from pathlib import Path

Path(__file__).with_name("IMPORTED").write_text("better_figures was imported\n", encoding="utf-8")
raise RuntimeError("better_figures must never run while the blog is moved in")
