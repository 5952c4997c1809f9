"""Posts taken from Pelican's content cache, as trustworthy as posts read afresh.

With CONTENT_CACHING_LAYER = "generator" (pelicanconf.py), a build unpickles whole posts rather than
reading their files again. Two things they carry from the build that cached them would make a
warm build differ from a clean one:

- the context they resolve their {static}, {attach} and {filename} links in. It was pickled when
  the posts were, before the static files and pages were known, so every image link of a cached
  post stayed unresolved and failed the link check. Each cached post is given this build's context.
- the problems found when they were read (an image without alt text, a Date that is not a date).
  A warm build does not read them again, so it would pass a post that a clean build fails. Each
  post keeps the problems of its reading, and every build that takes it from the cache reports them.
"""

from pelican import signals

from plugins import problems
from plugins.site_checks import written_content


def keep_reading_problems(content):
    """A post read in this build holds its file's problems: the set fills while the file is checked, and
    is cached with the post (Pelican caches posts once all are read, before the cross-file checks)."""
    if problems.collector is not None and getattr(content, "source_path", None):
        content.reading_problems = problems.problems_of(content.source_path)


def refresh_cached_content(generator):
    """Every post and page of the build links through its context, and its reading problems count again.

    The problems of a post read in this very build are reported already; the collector holds each once."""
    for _, content in written_content([generator]):
        # Pelican keeps the context a post resolves its links in, and offers no way to give it another.
        content._context = generator.context
        for problem in getattr(content, "reading_problems", ()):
            problems.collector.add(problem)


def register():
    signals.content_object_init.connect(keep_reading_problems)
    signals.article_generator_finalized.connect(refresh_cached_content)
    signals.page_generator_finalized.connect(refresh_cached_content)
