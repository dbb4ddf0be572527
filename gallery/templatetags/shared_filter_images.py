"""Wagtail's image tags, with each rendition spec parsed once per process.

`{% image %}`, `{% srcset_image %}` and `{% picture %}` in Wagtail make new
`Filter` objects every time they render, and each new filter parses its spec
again (`Filter.operations`, which also walks the image-operation hooks) just
to find which stored rendition matches: a collection page of 24 cards did
that 96 times a request. Here the filters for a spec are made once and
shared; a `Filter` keeps nothing per image, and Wagtail's `get_renditions`
takes `Filter` objects for this purpose.

Same tags, same syntax, same markup: the site's templates load this library
(`{% load shared_filter_images %}`) where they would load `wagtailimages_tags`.
It keeps its own name: overriding Wagtail's would make `check --deploy` warn
(templates.W003) and surprise the next reader of a template.
"""

from functools import cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from wagtail.images.models import Filter, Picture, ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags import wagtailimages_tags as wagtail_image_tags

from gallery.markup_memory import remembered

register = template.Library()
# Everything Wagtail's library offers (image_url, ...); the three tags below replace theirs.
register.tags.update(wagtail_image_tags.register.tags)
register.filters.update(wagtail_image_tags.register.filters)


@cache
def shared_filter(spec):
    """The one Filter for a pipe-joined spec, e.g. "fill-1200x630|format-jpeg"."""
    return Filter(spec=spec)


@cache
def shared_filters(specs):
    """The Filters for a tag's space-separated specs with {a,b} expansions, in order."""
    return tuple(shared_filter(spec) for spec in Filter.expand_spec(list(specs)))


class SharedFilters:
    def get_filter(self):
        return shared_filter("|".join(self.filter_specs))

    def get_filters(self):
        return shared_filters(tuple(self.filter_specs))


class RememberedMarkup(SharedFilters):
    """The <picture> or <img srcset> markup of the same renditions with the same
    attributes, made once per process: a card list asked Wagtail to build the
    same URLs, srcsets and escaped attributes again on every request.

    The key holds everything the markup is made of (each rendition's row, file,
    size and default alt text; every attribute's value and whether it is
    already safe), so a new rendition, a new file or another alt text is a new
    key. Signed URLs expire, so those are never remembered.
    """

    markup_class = None  # Wagtail's Picture or ResponsiveImage

    def render(self, context):
        if self.output_var_name:
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        renditions = get_renditions_or_not_found(image, self.get_filters())
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        key = markup_key(self.markup_class, renditions, attrs)
        if key is None:
            return self.markup_class(renditions, attrs).__html__()
        return remembered(
            REMEMBERED,
            REMEMBERED_MOST,
            key,
            lambda: self.markup_class(renditions, attrs).__html__(),
        )


# Markup by key; emptied when full (a gallery's cards fit many times over).
REMEMBERED = {}
REMEMBERED_MOST = 5000


def markup_key(markup_class, renditions, attrs):
    """A key for this markup, or None when it must be made afresh."""
    parts = []
    for spec, rendition in renditions.items():
        if rendition.pk is None:  # the "not found" stand-in of a missing source file
            return None
        if getattr(rendition.file.storage, "querystring_auth", False):
            return None
        parts.append((spec, rendition.pk, rendition.file.name, rendition.width, rendition.height))
    alt = next(iter(renditions.values())).alt if renditions else ""
    attributes = tuple((name, type(value), value) for name, value in attrs.items())
    try:
        hash(attributes)
    except TypeError:
        return None
    return (markup_class, tuple(parts), alt, attributes)


@receiver(setting_changed)
def forget_markup(*, setting, **kwargs):
    """Rendition URLs depend on the storage settings (tests change them)."""
    if setting in {"MEDIA_URL", "STORAGES", "WAGTAILIMAGES_RENDITION_STORAGE"} or (
        setting.startswith(("AWS_", "WAGTAILIMAGES_"))
    ):
        REMEMBERED.clear()


class ImageNode(SharedFilters, wagtail_image_tags.ImageNode):
    pass


class SrcsetImageNode(RememberedMarkup, wagtail_image_tags.SrcsetImageNode):
    markup_class = ResponsiveImage


class PictureNode(RememberedMarkup, wagtail_image_tags.PictureNode):
    markup_class = Picture


NODES = {
    wagtail_image_tags.ImageNode: ImageNode,
    wagtail_image_tags.SrcsetImageNode: SrcsetImageNode,
    wagtail_image_tags.PictureNode: PictureNode,
}


@register.tag("image")
@register.tag("srcset_image")
@register.tag("picture")
def image(parser, token):
    """Wagtail's parser (its checks and error messages), then our node in place of its own."""
    node = wagtail_image_tags.image(parser, token)
    return NODES[type(node)](
        node.image_expr,
        node.filter_specs,
        attrs=node.attrs,
        output_var_name=node.output_var_name,
    )
