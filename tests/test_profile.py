"""`invoke build --profile` (ourblog/profile.py): where a build's time goes, and nothing left behind.

Moved here, as it was, from the live preview's tests, whose module it never was about.
"""

import re

import pytest
from blinker import ANY

from helpers import SAMPLE_CONTENT, copy_project
from ourblog.build import build
from ourblog.profile import BuildProfile, pelican_signals

pytestmark = pytest.mark.slow  # two whole builds


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project whose content is the sample site, as the current folder."""
    project = copy_project(tmp_path / "project", content=SAMPLE_CONTENT)
    monkeypatch.chdir(project)
    return project


def receivers_of_every_signal():
    """Each Pelican signal's receivers, those connected for any sender."""
    return {signal.name: set(signal.receivers_for(ANY)) for signal in pelican_signals()}


def test_the_build_profile_accounts_for_the_whole_build_and_leaves_every_receiver_as_it_was(project):
    build(project / "pelicanconf.py", CACHE_CONTENT=False)  # the plugins register, as for any build
    connected = receivers_of_every_signal()
    with BuildProfile() as profile:
        build(project / "pelicanconf.py", CACHE_CONTENT=False)
    report = profile.report()
    for part in (
        r"Pelican: reading the posts",
        r"Pelican's writer: files written",
        r"template article\.html \(\d+ pages\)",
        r"plugin plugins\.search_index \(Pagefind's search index\), its signal receivers",
        r"The slowest of \d+ pages to render:\n +[\d.]+ ms  \S+/index\.html  \(\w+\.html\)",
    ):
        assert re.search(part, report), part
    assert sum(profile.account.totals.values()) == pytest.approx(profile.total, rel=0.01)
    assert receivers_of_every_signal() == connected
