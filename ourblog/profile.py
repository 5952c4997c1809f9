"""Where a build's time goes: `invoke build --profile`.

Every moment of the build is charged to what runs innermost at that moment: a plugin's signal
receiver (by its module: plugins.search_index is the search index), a template rendering a page,
Pelican's writer putting a page on disk, or Pelican's own work (before the generators are
finalized that is reading the posts, from the content cache where they are in it). The parts
add up to the build's time. The slowest pages are listed with their template.

Receivers are timed by wrapping each one connected when the build's plugins have registered
(Pelican's `initialized` signal), and unwrapped when the build ends; the writer is Pelican's own,
given through its `get_writer` signal, timing each page's template.
"""

import time
from collections import defaultdict

from blinker import ANY, Signal
from pelican.plugins import signals
from pelican.writers import Writer

from plugins import problems

SLOWEST_PAGES = 8
# What a plugin's name does not say.
PLUGIN_ROLES = {
    "plugins.search_index": " (Pagefind's search index)",
    "plugins.site_checks": " (and the link check of the written site)",
}
# Pelican's own work, by what the build is doing when no plugin, template or file write runs.
STARTING, READING, WRITING_LOOPS, FINISHING = (
    "Pelican: settings and plugins",
    "Pelican: reading the posts (from the content cache where they are in it)",
    "Pelican: preparing each page",
    "after the last plugin: build.py swapping the new site in for the old one, deleted",
)


class TimeAccount:
    """Wall time, each moment charged to one thing: whatever runs innermost."""

    def __init__(self):
        self.totals = defaultdict(float)
        self.running = [STARTING]
        self.since = time.perf_counter()

    def charge(self):
        now = time.perf_counter()
        self.totals[self.running[-1]] += now - self.since
        self.since = now

    def enter(self, what):
        self.charge()
        self.running.append(what)

    def leave(self):
        self.charge()
        self.running.pop()

    def now_doing(self, what):
        """What Pelican's own work is from now on (the bottom of the stack)."""
        self.charge()
        self.running[0] = what

    def timed(self, function):
        """`function`, its time charged to its module (a plugin)."""

        def timed_function(*args, **kwargs):
            self.enter(function.__module__)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed_function


class TimedTemplate:
    """A page's template, timed: rendering is charged to the template, and each page's time kept."""

    def __init__(self, template, profile):
        self.template = template
        self.profile = profile

    def render(self, page_context):
        self.profile.account.enter(f"template {self.template.name}")
        started = time.perf_counter()
        try:
            return self.template.render(page_context)
        finally:
            seconds = time.perf_counter() - started
            self.profile.account.leave()
            self.profile.pages.append((seconds, page_context["output_file"], self.template.name))
            self.profile.pages_by_template[self.template.name] += 1


class ProfilingWriter(Writer):
    """Pelican's writer, charging its work to writing and each page's rendering to its template."""

    profile = None  # set on the class profiling_writer() makes: Pelican makes the writer itself

    def write_file(self, name, template, context, *args, **options):
        self.profile.account.enter("Pelican's writer: files written")
        try:
            return super().write_file(name, TimedTemplate(template, self.profile), context, *args, **options)
        finally:
            self.profile.account.leave()

    def write_feed(self, *args, **options):
        self.profile.account.enter("Pelican's writer: feeds")
        try:
            return super().write_feed(*args, **options)
        finally:
            self.profile.account.leave()


def pelican_signals():
    return [value for value in vars(signals).values() if isinstance(value, Signal)]


class BuildProfile:
    """Used as `with BuildProfile() as profile: build(...)`, then `print(profile.report())`."""

    def __init__(self):
        self.account = TimeAccount()
        self.pages = []  # (seconds, output file, template)
        self.pages_by_template = defaultdict(int)
        self.wrapped = []  # (signal, receiver, its timed wrapper)
        self.wrapped_checks = []  # plugins/problems.py's final checks, as they were
        self.writer = type("ProfilingWriter", (ProfilingWriter,), {"profile": self})
        self.total = 0.0

    def __enter__(self):
        self.started = time.perf_counter()
        self.account = TimeAccount()
        signals.initialized.connect(self.time_every_receiver, weak=False)
        signals.all_generators_finalized.connect(self.writing_begins, weak=False)
        signals.finalized.connect(self.finishing_begins, weak=False)
        signals.get_writer.connect(self.give_writer, weak=False)
        return self

    def __exit__(self, *exception):
        self.account.charge()
        self.total = time.perf_counter() - self.started
        for signal, receiver in [
            (signals.initialized, self.time_every_receiver),
            (signals.all_generators_finalized, self.writing_begins),
            (signals.finalized, self.finishing_begins),
            (signals.get_writer, self.give_writer),
        ]:
            signal.disconnect(receiver)
        for signal, receiver, wrapper in self.wrapped:
            signal.disconnect(wrapper)
            signal.connect(receiver)
        problems.final_checks[:] = self.wrapped_checks or problems.final_checks
        return False

    def give_writer(self, pelican):
        return self.writer

    def time_every_receiver(self, pelican):
        """The plugins have registered: time each of their receivers, and the checks of the written site.

        Not those of `initialized` itself: blinker would skip the ones not yet called, being sent it."""
        self.account.now_doing(READING)
        ours = {self.writing_begins, self.finishing_begins, self.give_writer}
        for signal in pelican_signals():
            if signal is signals.initialized:
                continue
            for receiver in list(signal.receivers_for(ANY)):
                if receiver not in ours:
                    wrapper = self.account.timed(receiver)
                    signal.disconnect(receiver)
                    signal.connect(wrapper, weak=False)
                    self.wrapped.append((signal, receiver, wrapper))
        self.wrapped_checks = list(problems.final_checks)
        problems.final_checks[:] = [self.account.timed(check) for check in self.wrapped_checks]

    def writing_begins(self, generators):
        self.account.now_doing(WRITING_LOOPS)

    def finishing_begins(self, pelican):
        self.account.now_doing(FINISHING)

    def report(self):
        """Where the time went, largest first, and the slowest pages."""
        totals = self.account.totals
        lines = [f"Where the build's {self.total:.2f} s went:"]
        for what, seconds in sorted(totals.items(), key=lambda item: -item[1]):
            if what.startswith("template "):
                pages = self.pages_by_template[what.removeprefix("template ")]
                what = f"{what} ({pages:,} page{'s' * (pages != 1)})"
            elif what.startswith("plugins."):
                what = f"plugin {what}{PLUGIN_ROLES.get(what, '')}, its signal receivers"
            lines.append(f"  {seconds:7.2f} s  {100 * seconds / self.total:5.1f} %  {what}")
        lines.append(f"The slowest of {len(self.pages):,} pages to render:")
        for seconds, output_file, template in sorted(self.pages, reverse=True)[:SLOWEST_PAGES]:
            lines.append(f"  {1000 * seconds:7.1f} ms  {output_file}  ({template})")
        return "\n".join(lines)
