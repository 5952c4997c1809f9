# ruff: noqa
"""Stands for the i18n_subsites plugin, a git submodule of the old blog: never imported."""

raise RuntimeError("i18n_subsites must never run while the blog is moved in")
