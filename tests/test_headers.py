"""The _headers file: a Content-Security-Policy that allows what the content embeds, and cache rules."""

import fnmatch
import re

import pytest

from helpers import PUBLISH_SITEURL, SITES, build_site, header_rules, open_as_deployed
from ourblog.build import BuildFailed
from plugins.security_headers import source_for

EMBEDS_CONTENT = SITES / "embeds" / "content"
# What the theme alone needs, as the static _headers file had it before the policy was computed.
STRICT_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The strict policy plus what tests/sites/embeds's posts and page embed, and nothing else.
EMBEDS_POLICY = {
    "default-src": {"'none'"},
    "style-src": {"'self'"},
    "img-src": {
        "'self'",
        "https://images.example.com",
        "https://photos.example.org",
        "https://cdn.example.com",
    },
    "script-src": {"'self'", "'wasm-unsafe-eval'", "https://gist.github.com"},
    "connect-src": {"'self'"},
    "worker-src": {"'self'"},
    "base-uri": {"'none'"},
    "form-action": {"'none'"},
    "frame-ancestors": {"'none'"},
    "frame-src": {"https://www.youtube-nocookie.com"},
    "media-src": {"https://media.example.net"},
    "style-src-attr": {"'unsafe-inline'"},
    "style-src-elem": {"'self'", "'unsafe-inline'"},
}


def build_embeds(output, **overrides):
    return build_site(
        output, "publishconf.py", SITEURL=PUBLISH_SITEURL, PATH=str(EMBEDS_CONTENT), **overrides
    )


@pytest.fixture(scope="module")
def embeds_site(tmp_path_factory):
    """Posts and a page that embed images, a video, an iframe, a gist and styles, with the publish settings."""
    return build_embeds(tmp_path_factory.mktemp("embeds"))


def headers_of(built_site):
    return header_rules(built_site.output / "_headers")


def policy_of(built_site):
    """{directive: set of sources} of the policy every page is served with."""
    header = headers_of(built_site)["/*"]["Content-Security-Policy"]
    return {name: set(sources) for name, *sources in (part.split() for part in header.split(";"))}


def test_policy_allows_exactly_what_the_content_embeds(embeds_site):
    assert policy_of(embeds_site) == EMBEDS_POLICY


def test_headers_file_says_which_files_need_each_added_source(embeds_site):
    text = (embeds_site.output / "_headers").read_text(encoding="utf-8")
    assert "#   frame-src https://www.youtube-nocookie.com: embeds.md\n" in text
    assert "#   img-src https://photos.example.org: photo.rst\n" in text
    assert "#   img-src https://cdn.example.com: pages/gallery.md\n" in text


def test_a_site_that_embeds_nothing_keeps_the_strict_policy(sample_publish_site):
    headers = headers_of(sample_publish_site)["/*"]
    assert headers["Content-Security-Policy"] == STRICT_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_setting_adds_sources_by_hand(tmp_path):
    extra = {"img-src": ["https:"], "connect-src": ["https://api.example.com"]}
    built = build_embeds(tmp_path, CONTENT_SECURITY_POLICY=extra)
    assert policy_of(built) == {
        **EMBEDS_POLICY,
        "img-src": EMBEDS_POLICY["img-src"] | {"https:"},
        "connect-src": {"'self'", "https://api.example.com"},
    }


@pytest.mark.parametrize("unsafe", ["'unsafe-inline'", "'unsafe-eval'"])
def test_the_setting_never_lets_inline_scripts_run(tmp_path, unsafe):
    with pytest.raises(BuildFailed, match=f"may not add {unsafe} to script-src"):
        build_embeds(tmp_path, CONTENT_SECURITY_POLICY={"script-src": [unsafe]})


MIXED_CONTENT = """\
Title: Old habits
Date: 2024-06-01 10:00
Summary: An image over http, and a script written into the post.

<img src="http://old.example.com/photo.jpg" alt="A photograph from the old host" width="400" height="300">

<script>document.title = "changed";</script>
"""


def test_http_sources_are_allowed_with_a_note_and_inline_scripts_never(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "old-habits.md").write_text(MIXED_CONTENT, encoding="utf-8")
    built = build_site(tmp_path / "output", "publishconf.py", SITEURL=PUBLISH_SITEURL, PATH=str(content))
    policy = policy_of(built)
    assert policy["img-src"] == {"'self'", "http://old.example.com"}
    assert policy["script-src"] == {"'self'", "'wasm-unsafe-eval'"}
    notes = [note for note in built.notes if "old-habits.md" in note]
    assert len(notes) == 2
    assert "http://old.example.com/photo.jpg over http" in notes[0] + notes[1]
    assert "will not run" in notes[0] + notes[1]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("/blog/images/a.png", "'self'"),
        ("images/a.png", "'self'"),
        ("https://example.org/blog/images/a.png", "'self'"),
        ("https://Images.Example.com:443/a.png", "https://images.example.com"),
        ("https://media.example.com:8443/a.mp4", "https://media.example.com:8443"),
        ("//cdn.example.com/a.js", "https://cdn.example.com"),
        ("http://example.org/a.png", "http://example.org"),
        ("data:image/png;base64,AAAA", None),
    ],
)
def test_each_url_is_allowed_by_its_origin(url, source):
    assert source_for(url, "https://example.org") == source


def test_every_theme_file_matches_exactly_one_cache_rule(embeds_site):
    rules = {
        pattern: rule["Cache-Control"]
        for pattern, rule in headers_of(embeds_site).items()
        if "Cache-Control" in rule
    }
    theme_files = [path for path in (embeds_site.output / "theme").rglob("*") if path.is_file()]
    assert theme_files
    for path in theme_files:
        url_path = "/" + path.relative_to(embeds_site.output).as_posix()
        matching = [cache for pattern, cache in rules.items() if fnmatch.fnmatch(url_path, pattern)]
        assert len(matching) == 1, f"{url_path}: {matching}"
        if re.fullmatch(r"/theme/css/(main|code|math|notebook)\.[0-9a-f]{12}\.css", url_path):
            assert matching == ["public, max-age=31536000, immutable"]  # named by its content
        else:
            assert matching == ["public, max-age=3600"], url_path


def violations(browser, built_site, path, headers=None):
    page = open_as_deployed(browser, built_site, path, headers)
    try:
        page.wait_for_load_state("networkidle")
        return page.evaluate("window.policyViolations")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/posts/embeds/", "/posts/photo/", "/posts/gist/", "/gallery/", "/"])
def test_embeds_break_no_rule_of_their_sites_policy(chromium, embeds_site, path):
    assert violations(chromium, embeds_site, path) == []


@pytest.mark.browser
def test_the_strict_policy_would_block_the_embeds(chromium, embeds_site):
    # The check above can fail: under the theme's policy alone, the same page breaks it.
    strict = {**headers_of(embeds_site)["/*"], "Content-Security-Policy": STRICT_POLICY}
    blocked = {
        violation.split()[0] for violation in violations(chromium, embeds_site, "/posts/embeds/", strict)
    }
    assert blocked == {"img-src", "frame-src", "media-src", "style-src-attr"}
