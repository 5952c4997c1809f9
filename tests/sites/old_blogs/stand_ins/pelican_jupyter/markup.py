"""Stands for pelican-jupyter's markup plugin: empty."""
