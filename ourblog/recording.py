"""What each page of a build was rendered from, so that any one page can be rendered again on its own.

The settle's build (settle.py) writes through `RecordingWriter`, which Pelican's public `get_writer`
signal gives it: Pelican's own Writer, writing every page as usual, that also notes, for each output
file, the template that rendered it and the values the page had beyond the build's shared context
(its post, its page of a listing, its output file). The first look (first_look.py) renders a page
the browser shows again from them, with a saved post read again in its place.

A page is noted as its template renders it, not as `write_file` is called: a listing's call writes
all of its pages, and each page needs its own values to be rendered alone.
"""

import posixpath
from dataclasses import dataclass, field

from pelican.writers import Writer

ABSENT = object()


@dataclass
class RenderedPage:
    template: object  # the Jinja template that rendered it
    values: dict  # what the page's values had beyond the shared context (it is merged over it)


@dataclass
class Recording:
    """The pages of one build, by output file ("posts/x/index.html"), and what they share."""

    pages: dict = field(default_factory=dict)
    context: dict = None  # the build's shared context, as it stands once the build is done
    settings: dict = None  # the build's settings, as its plugins left them (filters, tests…)

    def note(self, template, page_values, context):
        self.context = context
        values = {
            name: value for name, value in page_values.items() if context.get(name, ABSENT) is not value
        }
        self.pages[posixpath.normpath(page_values["output_file"])] = RenderedPage(template, values)

    def values_of(self, file):
        """Every value a page was rendered with: the shared context, then its own."""
        return {**self.context, **self.pages[file].values}


# One build per settle process: the writer Pelican makes (from the class it is given) notes here.
recording = Recording()


class NotingTemplate:
    """A template as the writer is given it: it renders as the template does, and notes each page."""

    def __init__(self, template, context):
        self.template = template
        self.context = context

    @property
    def name(self):
        return self.template.name

    def render(self, page_values):
        recording.note(self.template, page_values, self.context)
        return self.template.render(page_values)


class RecordingWriter(Writer):
    """Pelican's writer, noting what each page is rendered from in `recording`."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        recording.settings = settings

    def write_file(self, name, template, context, *args, **kwargs):
        return super().write_file(name, NotingTemplate(template, context), context, *args, **kwargs)
