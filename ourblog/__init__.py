"""Our Blog's machinery: building the site, serving and previewing it, moving an old blog in, and the
project's settings. tasks.py runs it; the theme (theme/) and the plugins (plugins/) are Pelican's to load.
"""
