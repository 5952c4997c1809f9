"""The report `invoke move-in` prints: what it took over, what leads elsewhere now, what the old site used
that this project honours in its own way or not at all, and the posts each touches (a few named, all
counted), so that nothing is lost in silence.
"""

from ourblog.move_in_choices import FEED, project_defaults

# The kinds of page whose addresses the report shows, and the setting that names each.
ADDRESS_LINES = [
    ("posts", "ARTICLE_URL"),
    ("translations", "ARTICLE_LANG_URL"),
    ("pages", "PAGE_URL"),
    ("tags", "TAG_URL"),
    ("categories", "CATEGORY_URL"),
    ("authors", "AUTHOR_URL"),
    ("archives", "ARCHIVES_SAVE_AS"),
    ("years", "YEAR_ARCHIVE_URL"),
    ("months", "MONTH_ARCHIVE_URL"),
    ("days", "DAY_ARCHIVE_URL"),
]
NAMED = 3  # files named in a line; the others are counted


def counted(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def some(files):
    """ "3 posts (a.md, b.md, c.md)", "7 posts (a.md, b.md, c.md and 4 more)"."""
    count = counted(len(files), "post")
    named = ", ".join(files[:NAMED])
    more = f" and {len(files) - NAMED} more" if len(files) > NAMED else ""
    return f"{count} ({named}{more})"


def report_text(moved):
    lines = [summary_line(moved), ""]
    lines += taken_over_lines(moved)
    for title, part in (
        (
            "Leading elsewhere now (FORMER_ADDRESSES: a redirect page and a _redirects line each):",
            former_lines(moved),
        ),
        ("Not honoured here:", finding_lines(moved.findings.not_honoured)),
        ("Honoured in this project's own way:", finding_lines(moved.findings.honoured)),
        ("This project's own, not taken over:", finding_lines(moved.findings.project_own)),
        ("Metadata fields nothing here reads (kept in the files, shown nowhere):", field_lines(moved)),
        (
            "Markdown extensions of the old MARKDOWN setting not installed here, left out:",
            extension_lines(moved),
        ),
        ("Settings move-in could not read:", unreadable_lines(moved)),
        ("Imports given a stand-in while the settings were read, never run:", stood_in_lines(moved)),
    ):
        if part:
            lines += ["", title, *part]
    if not moved.formatted:
        lines += [
            "",
            "ruff could not format pelicanconf.py and publishconf.py: run `invoke lint` once it is installed.",
        ]
    lines += [
        "",
        "Next: `make build` lists every problem of every file in one go, and `.venv/bin/invoke test --quick`",
        "checks the site; images without a description are listed and counted (REQUIRE_ALT_TEXT = False).",
    ]
    return "\n".join(lines)


def summary_line(moved):
    files = " and ".join(path.name for path in moved.old.files)
    return f"Moved {moved.origin} in: {files} read, {moved.copied} files copied into content/."


def taken_over_lines(moved):
    taken = moved.takeover.settings()
    defaults = moved.takeover.pelicans_defaults()
    settings = {**project_defaults(), **taken}
    lines = [
        f"Taken over into pelicanconf.py and publishconf.py: {len(taken)} settings, {len(defaults)} of them "
        "Pelican's defaults, which the old files do not set."
    ]
    counts = content_counts(moved)
    for kind, name in ADDRESS_LINES:
        if settings.get(name) and (kind != "translations" or counts.get(kind)):
            count = f"   {counted(counts[kind], kind.removesuffix('s'))}" if counts.get(kind) else ""
            lines.append(f"  {kind:<13}{settings[name]}{count}")
    pagination = settings.get("DEFAULT_PAGINATION")
    if pagination:
        pattern = settings["PAGINATION_PATTERNS"][-1][1]
        lines.append(f"  {'listings':<13}{pagination} posts a page; the next pages at {pattern}")
    else:
        lines.append(f"  {'listings':<13}every post on one page (DEFAULT_PAGINATION is off)")
    for group in moved.takeover.published:
        for item in group.settings:
            if FEED.fullmatch(item.name):
                lines.append(f"  {'feed':<13}{item.value} ({item.name})")
    address = taken.get("PUBLISHED_SITEURL") or "not known: set PUBLISHED_SITEURL in pelicanconf.py"
    lines.append(f"  {'published at':<13}{address}")
    return lines


def content_counts(moved):
    """How many posts, translations, pages and tags the survey found, for the address lines."""
    page_folders = tuple(
        folder.rstrip("/") + "/"
        for folder in moved.takeover.settings().get("PAGE_PATHS", ["pages"])
        if folder
    )
    files = moved.survey.files
    pages = [source for source in files if source.path.startswith(page_folders)]
    posts = [source for source in files if source not in pages]
    tags = {tag.casefold() for source in posts for tag in source.field_values("tags")}
    default_lang = moved.old.published.get("DEFAULT_LANG", "en")
    translations = [source for source in files if source.lang not in ("", default_lang)]
    return {"posts": len(posts), "pages": len(pages), "tags": len(tags), "translations": len(translations)}


def former_lines(moved):
    lines = []
    for address, destination in moved.takeover.former_addresses.items():
        shown = destination or "the home page"
        lines.append(f"  {address} -> {shown}: {moved.takeover.former_reasons[address]}")
    for path in moved.takeover.unread_drafts:
        lines.append(f"  {path}: a draft whose old address Pelican could not work out (the build names why)")
    return lines


def finding_lines(found):
    return [f"  {item.subject}: {item.says}{': ' + some(item.files) if item.files else ''}" for item in found]


def field_lines(moved):
    return [f"  {name.capitalize()}: {some(files)}" for name, files in moved.findings.unread_fields.items()]


def extension_lines(moved):
    """Which posts an extension that is not installed may change: it is not known which, so every Markdown one."""
    markdown_posts = [source.path for source in moved.survey.of_kind("markdown")]
    where = some(markdown_posts) if markdown_posts else "no post"
    return [
        f"  {name}: it may change any Markdown post, {where}" for name in moved.takeover.missing_extensions
    ]


def unreadable_lines(moved):
    return [f"  {name}: {why}" for name, why in sorted(moved.old.unreadable.items())]


def stood_in_lines(moved):
    return [f"  {', '.join(moved.old.stood_in)}"] if moved.old.stood_in else []
