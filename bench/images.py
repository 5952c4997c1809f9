"""Responsive images benchmark: build times, cold and warm, and the bytes a phone loads, before and after.

    python bench/images.py                 # 100 photos; about five minutes on two cores
    python bench/images.py --photos 20     # a quicker run
    python bench/images.py --work /tmp/b   # keep (and reuse) the photos and builds there

The script draws its own phone photos (4032 by 3024 JPEGs of about 2.5 MB, half of them stored on
their side with EXIF orientation 6, all with a GPS position) and a 2880 by 1800 screenshot, and writes
two posts: one of every photo, and one of five photos and the screenshot, the page a reader measured.
Then, each in a subprocess of its own as a real `pelican` run is:

- a build without the images plugin ("before": plain <img> of the originals);
- a cold build with it (an empty cache), and a warm one (the same cache, posts from Pelican's cache);
- every raster file of the output is checked: no EXIF or GPS, and upright;
- Chromium (Debian's, through Playwright) opens each post at 390 CSS px, 3 device pixels each, and
  counts the bytes of images it loads before any scrolling ("in view") and after scrolling to the end.
  Without Chromium the bytes are computed from srcset and sizes, as a browser picks.

The photos are noise with detail at every scale, stronger at coarse ones, as in photographs, set so
their JPEGs weigh what a phone's do; at 1100 px they make larger AVIF files than real photos do
(82 KB, where photos of grass and of a painting make 46 and 78 KB), so the figures err on the heavy side.
Until plugins/reading.py calls `plan_picture()`, a stand-in Markdown extension here does.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markdown.extensions import Extension  # noqa: E402
from markdown.treeprocessors import Treeprocessor  # noqa: E402
from PIL import ExifTags, Image, ImageDraw  # noqa: E402

from plugins import image_encoding, images  # noqa: E402

PHONE = {"width": 390, "height": 844, "device_scale_factor": 3}
BUILD_TIMEOUT_SECONDS = 3600
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SIX_IMAGE_POST = "five-photos-and-a-screenshot"
ALL_PHOTOS_POST = "every-photo"


# Pictures a phone and a laptop would make -----------------------------------------------------------


def fractal(size, rnd, falloff, octaves=11):
    """Noise with detail at every scale, each octave `falloff` times as strong as the coarser one."""
    width, height = size
    result, total = None, 0.0
    for octave in range(octaves):
        scale = 2 ** (octaves - 1 - octave)
        small = (max(2, -(-width // scale)), max(2, -(-height // scale)))
        noise = Image.effect_noise(small, 64)
        if small != size:
            noise = noise.resize(size, Image.Resampling.BICUBIC)
        weight = falloff**octave
        result = noise if result is None else Image.blend(result, noise, weight / (total + weight))
        total += weight
    del rnd  # Pillow's noise draws from its own generator
    return result


def stretched(image, gain):
    return image.point(lambda value: max(0, min(255, round((value - 128) * gain + 128))))


def texture(size, seed):
    """Light and shade with fine detail; colour that changes slowly, as in photographs."""
    rnd = random.Random(seed)
    luma = stretched(fractal(size, rnd, 0.72), 3.0)
    blue, red = (stretched(fractal(size, rnd, 0.45, octaves=7), 0.8) for _ in range(2))
    return Image.merge("YCbCr", (luma, blue, red)).convert("RGB")


def phone_photos(folder, count, size=(4032, 3024)):
    """`count` phone JPEGs: crops of one large texture, each tinted and with things of its own in it."""
    pool = texture((size[0] * 3 // 2, size[1] * 3 // 2), seed=1)
    rnd = random.Random(2)
    paths = []
    for number in range(count):
        path = folder / f"photo-{number + 1:03}.jpg"
        paths.append(path)
        if path.exists():
            continue
        left, top = rnd.randrange(pool.width - size[0]), rnd.randrange(pool.height - size[1])
        photo = pool.crop((left, top, left + size[0], top + size[1]))
        tint = [rnd.uniform(0.8, 1.2) for _ in range(3)]
        photo = Image.merge(
            "RGB",
            [
                band.point(lambda v, k=k: min(255, round(v * k)))
                for band, k in zip(photo.split(), tint, strict=True)
            ],
        )
        draw = ImageDraw.Draw(photo)
        for _ in range(12):  # edges: things in the scene
            x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
            colour = tuple(rnd.randrange(256) for _ in range(3))
            draw.rectangle(
                (x, y, x + rnd.randrange(100, 900), y + rnd.randrange(60, 500)), outline=colour, width=12
            )
        photo.save(path, "JPEG", quality=90, exif=phone_exif(on_its_side=number % 2 == 0))
    return paths


def phone_exif(on_its_side):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6 if on_its_side else 1
    exif[ExifTags.Base.Make] = "Phone"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SERIAL-0001"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5)})
    gps.update({ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0)})
    return exif


def screenshot(path, size=(2880, 1800)):
    """A laptop's screenshot at 2x: a window of coloured code and text."""
    if path.exists():
        return path
    image = Image.new("RGB", size, (252, 252, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 110), fill=(40, 44, 52))
    rnd = random.Random(3)
    colours = [(30, 30, 40), (0, 92, 197), (170, 40, 60), (20, 120, 60), (120, 60, 160)]
    for top in range(160, size[1] - 40, 44):
        left = 80
        for _ in range(rnd.randrange(3, 12)):
            word = "".join(rnd.choices("abcdefghijklmnopqrstuvwxyz_().", k=rnd.randrange(3, 12)))
            draw.text((left, top), word, fill=rnd.choice(colours), font_size=30)
            left += 30 * len(word) // 2 + 24
    image.save(path, "PNG")
    return path


def write_posts(content, photos, shot):
    def markdown(title, names):
        paragraph = "Text of the post, a sentence or two between the pictures, as a travel post has. " * 3
        body = "\n\n".join(
            f"{paragraph}\n\n![What picture {n} shows]({{static}}/images/{name})"
            for n, name in enumerate(names)
        )
        return f"Title: {title}\nDate: 2024-05-01 10:00\n\n{body}\n"

    (content / f"{ALL_PHOTOS_POST}.md").write_text(
        markdown("Every photo", [p.name for p in photos]), encoding="utf-8"
    )
    six = [p.name for p in photos[:5]] + [shot.name]
    (content / f"{SIX_IMAGE_POST}.md").write_text(
        markdown("Five photos and a screenshot", six), encoding="utf-8"
    )


# Building ---------------------------------------------------------------------------------------------


class StandInProcessor(Treeprocessor):
    def __init__(self, md, settings):
        super().__init__(md)
        self.settings = settings

    def run(self, root):
        position = 0
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                post = os.path.join(self.settings["PATH"], "post.md")  # the bench's images are {static}/…
                picture = images.plan_picture(child.get("src", ""), dict(child.attrib), post, self.settings)
                if picture:
                    element = picture.to_element(images.loading_attributes(position))
                    element.tail = child.tail
                    parent[index] = element
                position += 1


class StandInPictures(Extension):
    """What plugins/reading.py will do: each image of a Markdown post made a <picture>."""

    def __init__(self, settings):
        super().__init__()
        self.settings = settings

    def extendMarkdown(self, md):
        md.treeprocessors.register(StandInProcessor(md, self.settings), "stand_in_pictures", 7)


def reader_plans_pictures():
    """Whether the project's readers call plan_picture() themselves."""
    readers = [path for path in (ROOT / "plugins").glob("*.py") if not path.name.startswith("image")]
    return any("plan_picture(" in path.read_text(encoding="utf-8") for path in readers)


def build_here(overrides, with_images):
    """One build, in this process: the project's settings, with `overrides`."""
    from pelican import Pelican
    from pelican.settings import read_settings

    os.chdir(ROOT)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=overrides)
    plugins = [name for name in settings["PLUGINS"] if name != "plugins.image_writing"]
    settings["PLUGINS"] = [*plugins, "plugins.image_writing"] if with_images else plugins
    if with_images and not reader_plans_pictures():
        markdown = dict(settings["MARKDOWN"])
        markdown["extensions"] = [*markdown.get("extensions", []), StandInPictures(settings)]
        settings["MARKDOWN"] = markdown
    if not with_images:
        settings["IMAGE_VARIANTS_PATH"] = None
    started = time.perf_counter()
    Pelican(settings).run()
    return {"seconds": time.perf_counter() - started, "encoded": len(image_encoding.encoded_last_build)}


def build(work, name, cache, with_images):
    """A build in a subprocess of its own; its time and the number of files it encoded."""
    overrides = {
        "PATH": str(work / "content"),
        "OUTPUT_PATH": str(work / name),
        "CACHE_PATH": str(cache),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "DELETE_OUTPUT_DIRECTORY": True,
    }
    command = [
        sys.executable,
        __file__,
        "--build-here",
        json.dumps({"overrides": overrides, "images": with_images}),
    ]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SystemExit(f"the {name} build took over {BUILD_TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        raise SystemExit(f"the {name} build failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# Checking the output ----------------------------------------------------------------------------------


def published_images(output):
    return [path for path in output.rglob("*") if path.suffix.lower() in (".jpg", ".png", ".webp", ".avif")]


def privacy_check(output):
    """(files, files with EXIF or GPS, photos not upright): each photo's files, and its own copy."""
    leaking, sideways = [], []
    files = published_images(output)
    for path in files:
        with Image.open(path) as image:
            if image.getexif() or b"SERIAL-0001" in path.read_bytes():
                leaking.append(path)
            number = re.match(r"photo-(\d+)", path.name)
            # photo-001, photo-003… are stored on their side (orientation 6): upright, they stand tall.
            if number and (image.height > image.width) != (int(number.group(1)) % 2 == 1):
                sideways.append(path)
    return len(files), leaking, sideways


# What a phone loads ----------------------------------------------------------------------------------


# The files of the images a reader sees before scrolling: any part of them in the viewport.
IN_VIEW = """[...document.images].filter(image => {
    const box = image.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
}).map(image => image.currentSrc)"""


def bytes_in_chromium(output, post):
    """What Chromium at phone size loads: the files of the images in view as the page opens, all it
    loads on opening (lazy images near the viewport too), and all it loads by the end of the page."""
    from playwright.sync_api import sync_playwright

    served, first_view = {}, {}

    def answer(route):
        path = unquote(urlsplit(route.request.url).path)
        file = output / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            return route.fulfill(status=404)
        if file.suffix in (".jpg", ".png", ".webp", ".avif"):
            served[path] = file.stat().st_size
        return route.fulfill(path=str(file))

    flags = ["--disable-background-networking", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags, timeout=60_000)
        context = browser.new_context(
            viewport={"width": PHONE["width"], "height": PHONE["height"]},
            device_scale_factor=PHONE["device_scale_factor"],
        )
        page = context.new_page()
        page.route("**/*", answer)
        page.goto(f"http://blog.test/posts/{post}/", wait_until="load", timeout=60_000)
        page.wait_for_timeout(1000)
        first_view.update(served)
        in_view = page.evaluate(IN_VIEW)
        height = page.evaluate("document.body.scrollHeight")
        for top in range(0, height + PHONE["height"], PHONE["height"] // 2):
            page.evaluate(f"window.scrollTo(0, {top})")
            page.wait_for_timeout(60)
        # Images scrolled past too quickly to start: each loads the file it would have, so all are counted.
        page.evaluate(
            "document.querySelectorAll('img[loading=lazy]').forEach(image => { image.loading = 'eager' })"
        )
        page.wait_for_function("[...document.images].every(image => image.complete)", timeout=300_000)
        browser.close()
    in_view_bytes = sum(served.get(unquote(urlsplit(url).path), 0) for url in set(in_view))
    return {
        "in view": in_view_bytes,
        "on opening": sum(first_view.values()),
        "whole page": sum(served.values()),
        "files": sorted(served),
    }


def bytes_by_rule(output, post):
    """The same, computed: each <img> or <source> (the first the browser takes, AVIF) gives the
    smallest file at least as wide as its sizes' slot times 3; "in view" is a guess: the first two."""
    html = (output / "posts" / post / "index.html").read_text(encoding="utf-8")
    total, first = 0, 0
    for number, picture in enumerate(re.findall(r"<picture>.*?</picture>|<img [^>]*>", html, re.DOTALL)):
        srcset = re.search(r'srcset="([^"]+)"', picture)
        if srcset:
            candidates = sorted((int(w), url) for url, w in re.findall(r"(\S+) (\d+)w", srcset.group(1)))
            slot = (
                min(images.COLUMN_WIDTH, PHONE["width"] - 2 * images.BODY_PADDING_PX)
                * PHONE["device_scale_factor"]
            )
            url = next((url for width, url in candidates if width >= slot), candidates[-1][1])
        else:
            url = re.search(r'src="([^"]+)"', picture).group(1)
        size = (output / unquote(url).lstrip("/")).stat().st_size
        total += size
        first += size if number < 2 else 0
    return {"in view": first, "on opening": first, "whole page": total, "files": []}


def page_bytes(output, post):
    if CHROMIUM.is_file():
        return bytes_in_chromium(output, post) | {"how": "Chromium"}
    return bytes_by_rule(output, post) | {"how": "computed from srcset and sizes"}


def bytes_per_file(output, stem):
    """{(format, width): bytes} of one source's files in the output."""
    sizes = {}
    for path in (output / images.DEFAULT_VARIANTS_PATH).glob(f"{stem}-*"):
        width = path.stem.rsplit("-", 1)[1]
        sizes[(path.suffix.lstrip("."), int(width))] = path.stat().st_size
    return sizes


# The run -----------------------------------------------------------------------------------------------


def kilobytes(count):
    return f"{count / 1000:,.0f} KB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--work", type=Path, help="a folder to keep the photos and builds in")
    parser.add_argument("--build-here", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pages-only", action="store_true", help="measure the pages of the last run in --work"
    )
    arguments = parser.parse_args()
    if arguments.build_here:
        job = json.loads(arguments.build_here)
        print(json.dumps(build_here(job["overrides"], job["images"])))
        return
    work = arguments.work or Path(tempfile.mkdtemp(prefix="bench-images-"))
    content = work / "content"
    (content / "images").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    photos = phone_photos(content / "images", arguments.photos)
    shot = screenshot(content / "images" / "screenshot.png")
    write_posts(content, photos, shot)
    mean_photo = sum(p.stat().st_size for p in photos) / len(photos)
    print(
        f"{len(photos)} photos of {kilobytes(mean_photo)} on average and a screenshot of {kilobytes(shot.stat().st_size)}, drawn in {time.perf_counter() - started:.0f} s"
    )

    if not arguments.pages_only:
        before = build(work, "before", work / "cache-before", with_images=False)
        shutil.rmtree(work / "cache", ignore_errors=True)
        cold = build(work, "site", work / "cache", with_images=True)
        warm = build(work, "site", work / "cache", with_images=True)
        print(f"build without the plugin {before['seconds']:.1f} s")
        print(
            f"cold build {cold['seconds']:.1f} s ({cold['encoded']} files encoded), warm build {warm['seconds']:.1f} s ({warm['encoded']} encoded): {warm['seconds'] / cold['seconds']:.2f} of the cold build"
        )

    files, leaking, sideways = privacy_check(work / "site")
    print(
        f"{files} published raster files: {len(leaking)} with EXIF or GPS, {len(sideways)} photos on their side"
    )

    for post in (SIX_IMAGE_POST, ALL_PHOTOS_POST):
        plain, responsive = page_bytes(work / "before", post), page_bytes(work / "site", post)
        print(
            f"{post}, at {PHONE['width']} CSS px and {PHONE['device_scale_factor']}x ({responsive['how']}):"
        )
        for label, measured in (("before", plain), ("after", responsive)):
            print(
                f"  {label + ':':7} images in view {kilobytes(measured['in view'])}, loaded on opening "
                f"{kilobytes(measured['on opening'])}, whole page {kilobytes(measured['whole page'])}"
            )
        if responsive["files"]:
            print(
                f"  files: {', '.join(Path(f).name for f in responsive['files'][:7])}{' …' if len(responsive['files']) > 7 else ''}"
            )

    for label, stem in (
        ("phone photo", photos[1].stem),
        ("phone photo on its side", photos[0].stem),
        ("screenshot", shot.stem),
    ):
        sizes = bytes_per_file(work / "site", stem)
        widths = sorted({width for _, width in sizes})
        print(f"{label} ({stem}), bytes per width:")
        for file_format in ("avif", "webp", "jpg", "png"):
            if any(f == file_format for f, _ in sizes):
                print(
                    f"  {file_format:5}"
                    + "".join(f"{w:>6}: {kilobytes(sizes.get((file_format, w), 0)):>8}" for w in widths)
                )
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
