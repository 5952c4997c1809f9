"""Stands for pelican-jupyter when plain Pelican reads the datascience blog's settings: empty."""
