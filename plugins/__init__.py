"""The site's own Pelican plugins, one module per concern; pelicanconf.py lists them in PLUGINS.

docs/architecture.md shows how they fit between content/ and output/.
"""
