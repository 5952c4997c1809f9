"""Responsive images (plugins/images.py, image_writing.py, image_encoding.py), on images these tests draw with Pillow:
phone photos stored on their side with a GPS position, a screenshot, an SVG, an animated GIF, a tiny icon,
an image on another host. Each test feeds files or markup straight to the plugin's functions."""

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from pelican.settings import read_settings
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFilter, PngImagePlugin

from plugins import image_encoding, image_writing, images, problems

SERIAL = "CAMERA-SERIAL-4242"
COMMENT = "comment-for-the-author-only"
PLACE = "Secret Street 7"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="{PLACE}"/>'
    "</rdf:RDF></x:xmpmeta>"
).encode()
# A real profile with a description of its own, so a test can tell it arrived and was not replaced.
PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
RED, BLUE = (220, 20, 20), (20, 40, 220)
SECRETS = (SERIAL.encode(), COMMENT.encode(), PLACE.encode(), b"xmpmeta", b"Exif\x00\x00")


def phone_photo(path, stored_size=(1000, 750), tint=0):
    """A phone's JPEG, stored on its side with EXIF orientation 6: upright, its top is red and its bottom
    blue. It holds a GPS position, the camera's serial number, XMP naming a street, and a comment."""
    width, height = stored_size
    # Texture, so the files have bytes to save; then the bands that say which way is up.
    noise = [Image.effect_noise(stored_size, 40 + 10 * band) for band in range(3)]
    image = Image.merge("RGB", noise).filter(ImageFilter.GaussianBlur(1.5))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 8, height), fill=RED)  # turned clockwise, the left edge is the top
    draw.rectangle((width - width // 8, 0, width, height), fill=BLUE)
    draw.rectangle((width // 3, height // 3, width // 2, height // 2), fill=(tint, 200, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Phone maker"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, exif=exif, icc_profile=PROFILE, xmp=XMP, comment=COMMENT)
    return path


def screenshot(path, size=(1440, 900)):
    """A screenshot: text and flat colour, a PNG whose tool wrote its name and the author's into it."""
    image = Image.new("RGB", size, (250, 250, 248))
    draw = ImageDraw.Draw(image)
    for line in range(0, size[1], 24):
        draw.text((40, line), "def build_site(settings): return pelican.run()  # " * 3, fill=(20, 20, 30))
    draw.rectangle((0, 0, size[0], 60), fill=(40, 60, 120))
    text = PngImagePlugin.PngInfo()
    text.add_text("Software", "Screenshot tool")
    text.add_text("Author", SERIAL)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", pnginfo=text, icc_profile=PROFILE)
    return path


@pytest.fixture(scope="session")
def drawn_images(tmp_path_factory):
    """The test images, drawn once: each test copies them into a content folder of its own."""
    folder = tmp_path_factory.mktemp("drawn") / "images"
    phone_photo(folder / "photo.jpg")
    phone_photo(folder / "big-photo.jpg", stored_size=(4032, 3024))
    screenshot(folder / "screenshot.png")
    (folder / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "notes.jpg").write_text("not a picture at all")
    Image.new("RGB", (64, 64), RED).save(folder / "icon.png")
    frames = [Image.new("RGB", (600, 400), colour) for colour in (RED, BLUE, (0, 160, 0))]
    frames[0].save(folder / "moving.gif", save_all=True, append_images=frames[1:], duration=100)
    return folder


@pytest.fixture
def site(tmp_path, drawn_images):
    """A content folder with one post and its images, and the settings of a build of it."""
    content = tmp_path / "content"
    shutil.copytree(drawn_images, content / "images")
    post = content / "post.md"
    post.write_text("Title: Photos\n\n![a street]({static}/images/photo.jpg)\n", encoding="utf-8")
    settings = read_settings(
        None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "SITEURL": "",
        },
    )
    return SimpleNamespace(root=tmp_path, content=content, post=str(post), settings=settings)


@pytest.fixture(autouse=True)
def fresh_build():
    """Each test is a build of its own: nothing planned yet, and a collector for its problems."""
    image_writing.start_build(None)
    previous, problems.collector = problems.collector, problems.Collector()
    yield problems.collector
    problems.collector = previous


def plan(site, src, **attributes):
    return images.plan_picture(src, {"alt": "a street", **attributes}, site.post, site.settings)


def widths_in(srcset):
    return [int(width) for width in re.findall(r"(\d+)w(?:,|$)", srcset)]


def urls_in(srcset):
    return [entry.split()[0] for entry in srcset.split(", ")]


# Planning ----------------------------------------------------------------------------------------


def test_a_phone_photo_offers_avif_then_webp_then_its_own_format(site):
    picture = plan(site, "{static}/images/big-photo.jpg")
    assert [source.type for source in picture.sources] == ["image/avif", "image/webp"]
    for source in picture.sources:
        assert widths_in(source.srcset) == [480, 800, 1100, 1328]
        assert all(url.endswith("." + source.type.split("/")[1]) for url in urls_in(source.srcset))
    assert re.fullmatch(r"/images/sized/big-photo-[0-9a-f]{16}-800\.jpg", picture.img["src"])
    assert widths_in(picture.img["srcset"]) == [480, 800, 1100, 1328]
    # Stored 4032 by 3024 on its side: shown upright, 3024 wide and 4032 high.
    assert (picture.img["width"], picture.img["height"]) == ("3024", "4032")
    assert picture.img["sizes"] == "(min-width: 690px) 664px, calc(100vw - 1.6rem)"
    assert picture.img["alt"] == "a street"


def test_files_are_never_wider_than_the_original(site):
    picture = plan(site, "{static}/images/photo.jpg")  # 750 px wide, upright
    assert widths_in(picture.img["srcset"]) == [480, 750]
    assert widths_in(picture.sources[0].srcset) == [480, 750]


def test_every_way_of_naming_the_file_finds_it(site):
    names = ["{static}/images/photo.jpg", "{attach}images/photo.jpg", "images/photo.jpg", "/images/photo.jpg"]
    planned = [plan(site, src).img["src"] for src in names]
    assert len(set(planned)) == 1 and planned[0].startswith("/images/sized/photo-")


def test_addresses_start_with_siteurl_as_every_link_of_the_site_does(site):
    site.settings["SITEURL"] = "https://example.org/blog"
    picture = plan(site, "{static}/images/photo.jpg")
    addresses = [picture.img["src"], *urls_in(picture.img["srcset"])]
    addresses += [url for source in picture.sources for url in urls_in(source.srcset)]
    assert all(url.startswith("https://example.org/blog/images/sized/") for url in addresses)


def test_the_authors_width_or_height_keeps_its_meaning(site):
    picture = plan(site, "{static}/images/big-photo.jpg", width="300")
    assert (picture.img["width"], picture.img["height"]) == ("300", "400")
    assert picture.img["sizes"] == "(min-width: 326px) 300px, calc(100vw - 1.6rem)"
    # A 3x screen needs 900 pixels for 300 CSS px: 1100 covers it, 1328 would be wasted.
    assert widths_in(picture.img["srcset"]) == [480, 800, 1100]
    by_height = plan(site, "{static}/images/big-photo.jpg", height="200")
    assert (by_height.img["width"], by_height.img["height"]) == ("150", "200")


def test_a_screenshot_falls_back_to_png(site):
    picture = plan(site, "{static}/images/screenshot.png")
    assert [source.type for source in picture.sources] == ["image/avif", "image/webp"]
    assert picture.img["src"].endswith("-800.png")
    assert (picture.img["width"], picture.img["height"]) == ("1440", "900")


@pytest.mark.parametrize(
    "src",
    [
        "{static}/images/drawing.svg",  # a vector scales itself
        "https://elsewhere.example/images/photo.jpg",  # another host's
        "//elsewhere.example/photo.jpg",
        "{static}/images/moving.gif",  # animated: left as the author made it
        "{static}/images/icon.png",  # narrower than the smallest width
        "{static}/images/notes.jpg",  # not an image Pillow reads
        "{static}/images/missing.jpg",
    ],
)
def test_images_left_as_they_are(site, src):
    assert plan(site, src) is None


def test_an_image_sized_by_its_author_is_left_as_it_is(site):
    assert plan(site, "images/photo.jpg", srcset="/a.jpg 1x, /b.jpg 2x") is None


def test_the_markup_carries_the_plan(site):
    picture = plan(site, "{static}/images/photo.jpg", title="A & B")
    html = picture.to_html({"loading": "lazy"})
    assert html.startswith('<picture><source type="image/avif" srcset="/images/sized/photo-')
    assert html.index('type="image/avif"') < html.index('type="image/webp"') < html.index("<img ")
    assert html.count('sizes="(min-width: 690px) 664px, calc(100vw - 1.6rem)"') == 3
    assert 'title="A &amp; B"' in html and 'loading="lazy"' in html and html.endswith("></picture>")
    element = picture.to_element({"loading": "lazy"})
    assert [child.tag for child in element] == ["source", "source", "img"]
    assert element[2].get("src") == picture.img["src"] and element[2].get("loading") == "lazy"


# Loading, feeds ----------------------------------------------------------------------------------


def test_the_first_image_loads_first_and_the_others_when_near():
    first, later = images.loading_attributes(0), images.loading_attributes(1)
    assert first == {"fetchpriority": "high", "loading": "eager", "decoding": "async"}
    assert later == {"loading": "lazy", "decoding": "async"}
    assert images.loading_attributes(5) == later


def test_width_and_height_are_always_given(site):
    for src, attributes in [
        ("{static}/images/photo.jpg", {}),
        ("{static}/images/screenshot.png", {"height": "90"}),
    ]:
        img = plan(site, src, **attributes).img_attributes(images.loading_attributes(1))
        assert int(img["width"]) > 0 and int(img["height"]) > 0


def test_a_feed_gets_one_absolute_mid_size_img_per_picture(site):
    site.settings["SITEURL"] = "https://example.org/blog"
    picture = plan(site, "{static}/images/big-photo.jpg")
    html = f"<p>Before</p><p>{picture.to_html(images.loading_attributes(0))}</p><p>After</p>"
    feed = images.feed_markup(html, "https://example.org/blog")
    assert "<picture" not in feed and "srcset" not in feed and "<source" not in feed
    img = re.search(r"<img [^>]*>", feed).group(0)
    assert f'src="{picture.img["src"]}"' in img
    assert picture.img["src"].startswith("https://example.org/blog/images/sized/")
    assert 'width="800" height="1067"' in img and 'alt="a street"' in img
    assert feed.startswith("<p>Before</p><p><img ") and feed.endswith("</p><p>After</p>")


# Files ---------------------------------------------------------------------------------------------


def assert_clean(path):
    """No EXIF, GPS, serial number, XMP or comment in the file; its colour profile kept."""
    data = Path(path).read_bytes()
    for secret in SECRETS:
        assert secret not in data, f"{path} holds {secret!r}"
    with Image.open(path) as image:
        assert not image.getexif(), f"{path} has EXIF"
        assert not set(image.info) & {"exif", "xmp", "comment", "XML:com.adobe.xmp", "Author"}
        assert image.info.get("icc_profile") == PROFILE, f"{path} lost its colour profile"


def assert_upright(path):
    """The photo's top row is red and its bottom row is not: it is the right way up."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        top = image.getpixel((image.width // 2, 1))
        bottom = image.getpixel((image.width // 2, image.height - 2))
    assert top[0] > 150 and top[2] < 100, f"{path}: top is {top}, not red"
    assert bottom[2] > 150 and bottom[0] < 100, f"{path}: bottom is {bottom}, not blue"


def test_the_files_have_their_format_size_and_orientation_and_no_metadata(site):
    picture = plan(site, "{static}/images/photo.jpg")
    cache = site.root / "cache"
    encoded = image_encoding.encode_all(picture.variants, cache).names
    assert sorted(encoded) == sorted(variant.name for variant in picture.variants)
    formats = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
    for variant in picture.variants:
        path = cache / variant.name
        with Image.open(path) as image:
            assert image.format == formats[variant.format]
            assert image.size == (variant.width, round(variant.width * 1000 / 750))
        assert_upright(path)
        assert_clean(path)
        assert os.stat(path).st_mode & 0o044 == 0o044, "a published file must be readable by the web server"


def test_a_second_run_encodes_nothing(site):
    variants = plan(site, "{static}/images/photo.jpg").variants
    cache = site.root / "cache"
    assert image_encoding.encode_all(variants, cache).names
    written = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert image_encoding.encode_all(variants, cache).names == []
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == written


def test_a_long_encoding_says_how_far_it_is(site, monkeypatch, capsys):
    monkeypatch.setattr(image_encoding, "PROGRESS_AFTER", 0.0)
    variants = plan(site, "{static}/images/photo.jpg").variants
    image_encoding.encode_all(variants, site.root / "cache")
    said = capsys.readouterr().err
    assert (
        f"encoding 1 image: {len(variants)} of {len(variants)} files written, 0 of {len(variants)} were cached"
        in said
    )
    assert f"encoded {len(variants)} image files in" in said


def test_a_changed_quality_names_new_files(site):
    before = {variant.name for variant in plan(site, "{static}/images/photo.jpg").variants}
    site.settings["IMAGE_QUALITY"] = {"webp": 60}
    after = {variant.name for variant in plan(site, "{static}/images/photo.jpg").variants}
    changed = before - after
    assert changed and all(name.endswith(".webp") for name in changed)


# The generator: a build's files, cached posts, Pelican's static copies ---------------------------------


def generator_for(site, content, statics=("images/photo.jpg",)):
    """This plugin's generator, given what Pelican's would leave in the context: posts and static files."""
    context = dict(site.settings)
    context["generated_content"] = {
        f"post-{number}.md": SimpleNamespace(content=html, summary="", source_path=f"post-{number}.md")
        for number, html in enumerate(content)
    }
    context["staticfiles"] = [SimpleNamespace(source_path=path, save_as=path) for path in statics]
    return image_writing.ResponsiveImagesGenerator(
        context, site.settings, str(site.content), site.settings["THEME"], site.settings["OUTPUT_PATH"]
    )


def pelican_copies_statics(site, statics=("images/photo.jpg",), link=False):
    for path in statics:
        destination = Path(site.settings["OUTPUT_PATH"]) / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        (os.link if link else shutil.copyfile)(site.content / path, destination)


def test_the_generator_writes_what_pages_name_and_a_warm_build_only_copies(site):
    # Beside its post, outside STATIC_PATHS, as {attach} has it: not a file Pelican copies of its own.
    trip = site.content / "posts" / "trip"
    phone_photo(trip / "photo.jpg", tint=200)  # the same name as images/photo.jpg, another picture
    site.post = str(trip / "post.md")
    html = plan(site, "{attach}photo.jpg").to_html() + plan(site, "/images/photo.jpg").to_html()
    addresses = set(re.findall(r'(/images/sized/[^" ,]+)', html))
    output = Path(site.settings["OUTPUT_PATH"])
    generator_for(site, [html], statics=[]).generate_output(writer=None)
    assert image_encoding.encoded_last_build
    assert all((output / url.lstrip("/")).is_file() for url in addresses)
    # The next build takes the post from Pelican's content cache: nothing plans its pictures, and
    # their files are found again by their names.
    shutil.rmtree(output)
    image_writing.start_build(None)
    generator_for(site, [html], statics=[]).generate_output(writer=None)
    assert image_encoding.encoded_last_build == []
    assert all((output / url.lstrip("/")).is_file() for url in addresses)


def test_only_the_files_pages_name_are_written(site):
    picture = plan(site, "{static}/images/photo.jpg")
    avif_only = "".join(f'<img src="{url}">' for url in urls_in(picture.sources[0].srcset))
    generator_for(site, [avif_only]).generate_output(writer=None)
    written = os.listdir(Path(site.settings["OUTPUT_PATH"]) / "images" / "sized")
    assert written and all(name.endswith(".avif") for name in written)


def test_a_cached_post_naming_files_of_a_changed_image_is_a_problem(site, fresh_build):
    stale = '<img src="/images/sized/photo-0123456789abcdef-480.avif">'
    generator_for(site, [stale]).generate_output(writer=None)
    [problem] = fresh_build.problems
    assert problem.path == "post-0.md" and "photo-0123456789abcdef-480.avif" in problem.message


def test_a_photo_that_cannot_be_decoded_is_a_problem_and_the_others_are_written(site, fresh_build):
    whole = (site.content / "images" / "photo.jpg").read_bytes()
    (site.content / "images" / "cut.jpg").write_bytes(whole[: len(whole) // 2])  # its header still reads
    cut, good = plan(site, "{static}/images/cut.jpg"), plan(site, "{static}/images/screenshot.png")
    generator_for(site, [cut.to_html() + good.to_html()], statics=[]).generate_output(writer=None)
    [problem] = fresh_build.problems
    assert problem.path.endswith("cut.jpg") and "could not be made into smaller files" in problem.message
    output = Path(site.settings["OUTPUT_PATH"]) / "images" / "sized"
    assert all((output / variant.name).is_file() for variant in good.variants)


@pytest.mark.parametrize("link", [False, True], ids=["copied", "hard-linked"])
def test_pelicans_copy_of_the_original_is_replaced_by_a_clean_upright_one(site, link):
    original = (site.content / "images" / "photo.jpg").read_bytes()
    pelican_copies_statics(site, link=link)
    generator_for(site, [""]).generate_output(writer=None)
    image_writing.publish_clean_copies(None)
    published = Path(site.settings["OUTPUT_PATH"]) / "images" / "photo.jpg"
    assert_clean(published)
    assert_upright(published)
    with Image.open(published) as image:
        assert image.format == "JPEG" and image.size == (750, 1000)
    # The author's file is untouched, even when Pelican's copy was a hard link to it.
    assert (site.content / "images" / "photo.jpg").read_bytes() == original


def test_pelican_writing_its_copy_again_leaves_the_cache_clean(site):
    """The next build's Pelican writes into the file at the original's address: our cache must not be it."""
    pelican_copies_statics(site)
    generator_for(site, [""]).generate_output(writer=None)
    image_writing.publish_clean_copies(None)
    pelican_copies_statics(site)  # shutil.copyfile writes into the file there, as Pelican's copy does
    for cached in (Path(site.settings["CACHE_PATH"]) / "images").iterdir():
        assert_clean(cached)


def test_a_screenshots_text_chunks_are_left_out_of_its_published_copy(site):
    pelican_copies_statics(site, statics=["images/screenshot.png"])
    generator_for(site, [""], statics=["images/screenshot.png"]).generate_output(writer=None)
    image_writing.publish_clean_copies(None)
    published = Path(site.settings["OUTPUT_PATH"]) / "images" / "screenshot.png"
    assert_clean(published)
    with Image.open(published) as image, Image.open(site.content / "images" / "screenshot.png") as source:
        assert image.format == "PNG" and image.tobytes() == source.tobytes()


def test_an_original_without_metadata_keeps_pelicans_copy(site):
    pelican_copies_statics(site, statics=["images/icon.png"])
    generator_for(site, [""], statics=["images/icon.png"]).generate_output(writer=None)
    assert image_writing.clean_copies == {}


# In a browser ----------------------------------------------------------------------------------------


def post_page(pictures, far_below, spacer_px):
    """A post as the theme shows it: text, then each picture; one more picture far below the rest."""
    css = (Path(__file__).parent.parent / "theme" / "static" / "css" / "main.css").read_text(encoding="utf-8")
    text = "<p>" + "A line of the post's text that runs across the column. " * 12 + "</p>"
    body = "".join(
        f"{text}<p>{picture.to_html(images.loading_attributes(position))}</p>"
        for position, picture in enumerate(pictures)
    )
    body += f'<div style="height: {spacer_px}px"></div>'
    body += f"<p>{far_below.to_html(images.loading_attributes(len(pictures)))}</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Photos</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{css}</style></head><body><main><article><div class=post-body>{body}"
        "</div></article></main></body></html>"
    )


@pytest.mark.browser
def test_a_phone_loads_one_avif_of_the_size_its_screen_needs(site, chromium):
    # Shown (turned upright) just as wide as the 1,100 px a 390 px screen at 3x asks for: AVIF is slow.
    photos = [phone_photo(site.content / "images" / f"p{n}.jpg", (1467, 1100), tint=60 * n) for n in range(3)]
    pictures = [plan(site, f"{{static}}/images/{photo.name}") for photo in photos]
    pictures.append(plan(site, "{static}/images/screenshot.png"))
    far_below = plan(site, "{static}/images/photo.jpg")
    cache = site.root / "cache"
    # A browser that takes AVIF asks for nothing else (asking would fail the test): only those are made.
    avif = [v for picture in [*pictures, far_below] for v in picture.variants if v.format == "avif"]
    image_encoding.encode_all(avif, cache)
    page_html = post_page(pictures, far_below, spacer_px=8000)
    served = {}

    def answer(route):
        path = urlsplit(route.request.url).path
        if path == "/":
            return route.fulfill(body=page_html, content_type="text/html")
        file = cache / Path(path).name
        if not path.startswith("/images/sized/") or not file.is_file():
            return route.fulfill(status=404)
        served[file.name] = file.stat().st_size
        return route.fulfill(body=file.read_bytes(), content_type=f"image/{file.suffix.lstrip('.')}")

    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    try:
        page = context.new_page()
        page.route("**/*", answer)
        page.goto("http://blog.test/", wait_until="load", timeout=30_000)
        page.wait_for_timeout(500)
        first_view = dict(served)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function("[...document.images].every(image => image.complete)", timeout=15_000)
    finally:
        context.close()
    assert served and all(name.endswith(".avif") for name in served), sorted(served)
    # 364 CSS px at 3 device pixels each need 1092: each photo's 1100 px file, and only that one.
    for photo in photos:
        assert [name.rsplit("-", 1)[1] for name in served if name.startswith(photo.stem + "-")] == [
            "1100.avif"
        ]
    far_name = Path(urls_in(far_below.sources[0].srcset)[-1]).name
    assert far_name not in first_view and far_name in served, "the image far below loads when scrolled to"
    # Photos no wider than the phone needs: what is saved here is AVIF's against JPEG's bytes alone.
    originals = sum(photo.stat().st_size for photo in photos)
    assert sum(size for name, size in served.items() if name.startswith("p")) < originals / 2


def test_a_listing_of_summaries_gives_no_image_priority_over_the_others():
    # Each post's first image loads first on the post's own page; in a listing of several, none does.
    first = '<img src="a.jpg" alt="a" fetchpriority="high" loading="eager" decoding="async">'
    listed = images.in_a_listing(f"<p>{first}</p>")
    assert "fetchpriority" not in listed and 'loading="lazy"' in listed and 'loading="eager"' not in listed
