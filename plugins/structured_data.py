"""What search engines read about a page: schema.org structured data, written as JSON-LD by the theme.

- A post is a BlogPosting: its headline, description, dates (with their time zone), authors, each with
  the address of their page, the site as publisher, its picture (plugins/social_cards.py), language,
  and the site's LICENSE when it has one. A post that names no author is the site's own: the site is
  its author, as in the feeds and microformats.
- A post also has a BreadcrumbList, the path a reader takes to it: the home page, the post's category
  (when the category has a page: `term is listed`), the post.
- The home page is a WebSite: its name and address, which search engines show as the site's name.

Templates call `structured_data.blog_posting(article)`, `structured_data.breadcrumbs(article)` and
`structured_data.website()` and print the result with `|tojson`. Structured data names absolute
URLs, so the theme writes it only in a build with a SITEURL (the publish build).
"""

from types import SimpleNamespace

from jinja2 import pass_context
from pelican import signals

from plugins import addresses, public

SCHEMA_ORG = "https://schema.org"


def the_site(context):
    """The site as an author and publisher: an Organization with its name and home page."""
    return {"@type": "Organization", "name": context["SITENAME"], "url": addresses.home_url(context)}


def person(author, context):
    """An author, with their page's address where they have one (a hidden post's author may not)."""
    found = {"@type": "Person", "name": author.name}
    if public.is_listed(author):
        found["url"] = f"{context['SITEURL']}/{author.url}"
    return found


def image_object(image):
    found = {"@type": "ImageObject", "url": image.url}
    if image.width:
        found.update(width=image.width, height=image.height)
    return found


@pass_context
def blog_posting(context, article):
    url = f"{context['SITEURL']}/{article.url}"
    posting = {
        "@context": SCHEMA_ORG,
        "@type": "BlogPosting",
        "headline": article.plain_title,
        "description": article.description,
        "datePublished": article.date.isoformat(),
        "dateModified": (getattr(article, "modified", None) or article.date).isoformat(),
        "author": [person(author, context) for author in getattr(article, "authors", [])]
        or the_site(context),
        "publisher": the_site(context),
        "mainEntityOfPage": url,
        "url": url,
        "inLanguage": article.lang,
    }
    image = getattr(article, "social_image", None)
    if image:
        posting["image"] = image_object(image)
    if context.get("LICENSE"):
        posting["license"] = context["LICENSE"]["url"]
    return posting


@pass_context
def breadcrumbs(context, article):
    """Home, then category, then the post: each crumb a page of the site."""
    steps = []
    if "index" in context["THEME_URLS"]:
        steps.append(("Home", addresses.home_url(context)))
    category = getattr(article, "category", None)
    if category and public.is_listed(category):
        steps.append((category.name, f"{context['SITEURL']}/{category.url}"))
    steps.append((article.plain_title, f"{context['SITEURL']}/{article.url}"))
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(steps, start=1)
        ],
    }


@pass_context
def website(context):
    site = {
        "@context": SCHEMA_ORG,
        "@type": "WebSite",
        "name": context["SITENAME"],
        "url": addresses.home_url(context),
    }
    if context.get("SITESUBTITLE"):
        site["description"] = context["SITESUBTITLE"]
    site["inLanguage"] = context["DEFAULT_LANG"]
    if context.get("LICENSE"):
        site["license"] = context["LICENSE"]["url"]
    return site


def add_to_templates(pelican):
    functions = SimpleNamespace(blog_posting=blog_posting, breadcrumbs=breadcrumbs, website=website)
    pelican.settings["JINJA_GLOBALS"] = {
        **pelican.settings.get("JINJA_GLOBALS", {}),
        "structured_data": functions,
    }


def register():
    signals.initialized.connect(add_to_templates)
