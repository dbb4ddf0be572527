"""Wagtail's image tags, with each rendition spec parsed once per process.

`{% image %}`, `{% srcset_image %}` and `{% picture %}` in Wagtail make new
`Filter` objects every time they render, and each new filter parses its spec
again (`Filter.operations`, which also walks the image-operation hooks) just
to find which stored rendition matches: a collection page of 24 cards did
that 96 times a request. Here the filters for a spec are made once and
shared; a `Filter` keeps nothing per image, and Wagtail's `get_renditions`
takes `Filter` objects for this purpose.

Same tags, same syntax, same markup: the template engine loads this library
under Wagtail's own name, `wagtailimages_tags` (TEMPLATES' "libraries" in
settings), so every template, the admin's too, gets it without a change.
"""

from functools import cache

from django import template
from wagtail.images.models import Filter
from wagtail.images.templatetags import wagtailimages_tags as wagtail_image_tags

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


class ImageNode(SharedFilters, wagtail_image_tags.ImageNode):
    pass


class SrcsetImageNode(SharedFilters, wagtail_image_tags.SrcsetImageNode):
    pass


class PictureNode(SharedFilters, wagtail_image_tags.PictureNode):
    pass


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
