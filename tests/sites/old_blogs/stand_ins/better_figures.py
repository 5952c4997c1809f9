"""Stands for the dated blog's own plugin when plain Pelican reads its settings: harmless, and empty."""
