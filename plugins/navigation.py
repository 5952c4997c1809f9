"""The menu, and the names of languages.

The menu (`menu_pages`) lists the pages from content/pages that ask for it with `Menu: yes`, or a
number for their place. When no page asks, it lists every page while there are at most
MENU_PAGES_LIMIT of them: a site of hundreds of pages would otherwise repeat them all in every page's
header, doubling the build's time and size; it then says so, once.
"""

from pelican import signals

from plugins import problems

NOT_IN_MENU = {"", "no", "false", "off", "0"}
# A translation's link names its language as its readers do; a code missing here is shown as it is.
LANGUAGE_NAMES = {
    "ar": "العربية",
    "bg": "Български",
    "ca": "Català",
    "cs": "Čeština",
    "da": "Dansk",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "eo": "Esperanto",
    "es": "Español",
    "et": "Eesti",
    "eu": "Euskara",
    "fa": "فارسی",
    "fi": "Suomi",
    "fr": "Français",
    "ga": "Gaeilge",
    "he": "עברית",
    "hi": "हिन्दी",
    "hr": "Hrvatski",
    "hu": "Magyar",
    "id": "Bahasa Indonesia",
    "it": "Italiano",
    "ja": "日本語",
    "ko": "한국어",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "nb": "Norsk bokmål",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sr": "Српски",
    "sv": "Svenska",
    "th": "ไทย",
    "tr": "Türkçe",
    "uk": "Українська",
    "vi": "Tiếng Việt",
    "zh": "中文",
}


def language_name(code):
    """ "fr" -> "Français"; "pt-BR" -> "Português"."""
    return LANGUAGE_NAMES.get(code.lower().split("-")[0].split("_")[0], code)


def add_to_templates(pelican):
    pelican.settings["JINJA_FILTERS"] = {
        **pelican.settings.get("JINJA_FILTERS", {}),
        "language_name": language_name,
    }


def menu_place(page):
    """Where a page asks to be in the menu: a number, True for "yes", None for no answer, False for "no"."""
    answer = str(page.metadata.get("menu", "")).strip().lower()
    if "menu" not in page.metadata:
        return None
    if answer in NOT_IN_MENU:
        return False
    return int(answer) if answer.isdigit() else True


def menu_pages(pages, settings):
    if not settings.get("DISPLAY_PAGES_ON_MENU", True):
        return []
    places = {page: menu_place(page) for page in pages}
    if any(place is not None for place in places.values()):
        chosen = [page for page in pages if places[page] not in (None, False)]
        # Numbered pages first, by number; then the others in Pelican's order of pages.
        return sorted(chosen, key=lambda page: places[page] if places[page] is not True else float("inf"))
    limit = settings.get("MENU_PAGES_LIMIT", 6)
    if len(pages) <= limit:
        return list(pages)
    problems.report(
        settings["PATH"],
        f"has {len(pages)} pages, more than MENU_PAGES_LIMIT ({limit}), so none is in the menu: "
        'add "Menu: yes" to those it should list.',
        note=True,
    )
    return []


def add_menu(generator):
    generator.context["menu_pages"] = menu_pages(generator.pages, generator.settings)


def register():
    signals.initialized.connect(add_to_templates)
    signals.page_generator_finalized.connect(add_menu)
