"""Generated posts and pages for the benchmarks and the tests: the same seed writes the same files.

About 700 words a post, with what a build works on: headings, lists, quotes, code in four languages,
links, emphasis, and the punctuation typography changes (quotes, apostrophes, dashes, ellipses).
"""

import random

SEED = 2019

VOCABULARY = """
agreement information military treaty alliance minister government security intelligence cabinet
statement policy border region trade export council summit analysis report source official defence
exchange nation island strategy decision review weekly history archive context public press budget
election committee protest record letter evidence study figure network channel signal crisis the a
of and to in on for with as by at from that which was were is are be it this not but or
"""
WORDS = VOCABULARY.split()
CATEGORIES = ["Politics", "Defence", "Trade", "History", "Notes", "Economy", "Culture", "Science"]
TAGS = [f"{region}-{topic}" for region in ("japan", "korea", "china", "us", "eu") for topic in WORDS[:8]]
LANGUAGES = ["python", "javascript", "bash", "json"]
SNIPPETS = {
    "python": 'def total(values):\n    """Add up the values."""\n    return sum(v for v in values if v)\n',
    "javascript": "const total = (values) => values.reduce((sum, v) => sum + v, 0);\nconsole.log(total([1, 2]));\n",
    "bash": 'for file in content/*.md; do\n  wc -w "$file"\ndone\n',
    "json": '{\n  "title": "A post",\n  "tags": ["japan", "korea"],\n  "draft": false\n}\n',
}


def sentence(rng):
    """A sentence with the punctuation typography works on: quotes, apostrophes, dashes, ellipses."""
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"')
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), f"{rng.choice(WORDS)}'s")
    if rng.random() < 0.2:
        words.insert(rng.randrange(1, len(words)), "--")
    if rng.random() < 0.2:
        index = rng.randrange(1, len(words))
        words[index] = f"[{words[index]}](https://example.org/{rng.choice(WORDS)}/)"
    if rng.random() < 0.2:
        index = rng.randrange(1, len(words))
        words[index] = rng.choice(["*", "**", "`"]).join(["", words[index], ""])
    return " ".join(words) + rng.choice([".", ".", ".", "?", "..."])


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def post_body(rng):
    """About 700 words: paragraphs, headings, lists, a quote and a code block."""
    blocks = [paragraph(rng), paragraph(rng)]
    for _ in range(rng.randint(2, 4)):
        blocks.append(f"## {sentence(rng).rstrip('.?')}")
        blocks.append(paragraph(rng))
        kind = rng.choice(["bullets", "numbers", "quote", "code"])
        if kind == "bullets":
            blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 6))))
        elif kind == "numbers":
            blocks.append("\n".join(f"{n}. {sentence(rng)}" for n in range(1, rng.randint(3, 6))))
        elif kind == "quote":
            blocks.append(f"> {paragraph(rng)}")
        else:
            language = rng.choice(LANGUAGES)
            blocks.append(f"```{language}\n{SNIPPETS[language]}```")
        blocks.append(paragraph(rng))
    return "\n\n".join(blocks) + "\n"


def write_posts(folder, count, seed=SEED):
    """Write `count` Markdown posts into folder; the same seed writes the same files."""
    rng = random.Random(seed)
    for number in range(count):
        title = sentence(rng).rstrip(".?")[:70].replace("`", "").strip()
        metadata = {
            "Title": title,
            "Date": f"{2015 + number % 10}-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:00",
            "Slug": f"post-{number:05d}",
            "Category": rng.choice(CATEGORIES),
            "Tags": ", ".join(rng.sample(TAGS, rng.randint(1, 4))),
            # A Summary is optional; each post has one so that checkouts that required it (--before) build too.
            "Summary": sentence(rng),
        }
        front_matter = "".join(f"{key}: {value}\n" for key, value in metadata.items())
        (folder / f"post-{number:05d}.md").write_text(f"{front_matter}\n{post_body(rng)}", encoding="utf-8")


def write_pages(folder, count, seed=SEED):
    """Write `count` Markdown pages into folder/pages: a site of many pages, whose navigation is the cost."""
    rng = random.Random(seed + 1)
    (folder / "pages").mkdir(exist_ok=True)
    for number in range(count):
        title = sentence(rng).rstrip(".?")[:60].replace("`", "").strip()
        body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(1, 4)))
        page = f"Title: {title}\nSlug: page-{number:05d}\n\n{body}\n"
        (folder / "pages" / f"page-{number:05d}.md").write_text(page, encoding="utf-8")
