"""Series: posts that say `Series: Learning Rust` are parts of one series, in order, with a page listing them.

The parts are ordered by `Series_index:` where posts give one (as the pelican-series plugin's users write
it), else by date. Each part knows its series (`article.series`: its name, address, parts), its place in
it ("part 2 of 5") and the parts before and after it, which article.html links; the series has a page
of its own at SERIES_SAVE_AS (series.html), linked from every part. Only published posts are parts: a
hidden post or a draft keeps its Series field but is in no list.
"""

from pelican import signals
from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

TEMPLATE = "series"


class Series(URLWrapper):
    """A series: its name, slug and address (SERIES_URL, SERIES_SAVE_AS), and its parts in order."""

    def __init__(self, name, settings):
        super().__init__(name, settings)
        self.parts = []


def series_index(post):
    """Where a post asks to be in its series; None when it does not say."""
    value = str(post.metadata.get("series_index", "")).strip()
    return int(value) if value.isdigit() else None


def gather_series(generator):
    """Give every published post with a Series field its series, and its place in it."""
    by_name = {}
    for post in generator.articles:
        name = str(post.metadata.get("series", "")).strip()
        if name:
            series = by_name.setdefault(name.casefold(), Series(name, generator.settings))
            series.parts.append(post)
    for series in by_name.values():
        # Numbered parts by their number, then the others by date; a tie by date keeps the order apart.
        series.parts.sort(key=lambda post: (series_index(post) is None, series_index(post) or 0, post.date))
        for number, post in enumerate(series.parts, start=1):
            post.series = series
            post.series_part = number
            post.series_previous = series.parts[number - 2] if number > 1 else None
            post.series_next = series.parts[number] if number < len(series.parts) else None
    generator.context["all_series"] = sorted(by_name.values(), key=lambda series: series.slug)


class SeriesGenerator(Generator):
    """Writes a page for each series, listing its parts."""

    def generate_output(self, writer):
        if not self.settings.get("SERIES_SAVE_AS"):
            return
        for series in self.context.get("all_series", []):
            writer.write_file(
                series.save_as,
                self.get_template(TEMPLATE),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                series=series,
                template_name=TEMPLATE,
                url=series.url,
            )


def add_generator(pelican):
    return SeriesGenerator


def register():
    signals.article_generator_finalized.connect(gather_series)
    signals.get_generators.connect(add_generator)
