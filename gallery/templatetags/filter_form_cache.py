"""A collection page's filter form, rendered once per process while nothing in it changes.

Unfiltered, the form is the same on every visit (its seven fields rendered
through Django's widget templates were a tenth of a collection page's work):
`{% cached_filter_form form %}…{% endcached_filter_form %}` keeps its markup
under a key of **everything the form shows**: the address it submits to, the search it keeps, each
field's label and choices (the media, the size limits, the currency), the
language. A form with any value filled in (or an error) is rendered afresh.

Whoever makes the form's template read something else adds it to `form_key`.
"""

from django import template
from django.utils import translation

from gallery.markup_memory import remembered
from shop.models import ShopSettings

register = template.Library()

# key -> markup; emptied when full (one entry per collection and set of choices).
FORMS = {}
FORMS_MOST = 500


def form_key(request, form, search_query):
    """The key of this form's markup, or None when it must be rendered afresh."""
    if request is None or not form.is_bound:
        return None
    if any(form.data.get(name) for name in form.fields):
        return None
    fields = tuple(
        (name, str(field.label), tuple((str(k), str(v)) for k, v in getattr(field, "choices", ())))
        for name, field in form.fields.items()
    )
    return (
        request.path,
        ShopSettings.for_request(request).currency,
        translation.get_language(),
        search_query,
        fields,
    )


class CachedFilterFormNode(template.Node):
    def __init__(self, nodelist, form):
        self.nodelist = nodelist
        self.form = form

    def render(self, context):
        key = form_key(
            context.get("request"), self.form.resolve(context), context.get("search_query")
        )
        if key is None:
            return self.nodelist.render(context)
        return remembered(FORMS, FORMS_MOST, key, lambda: self.nodelist.render(context))


@register.tag("cached_filter_form")
def cached_filter_form(parser, token):
    """{% cached_filter_form form %}…{% endcached_filter_form %}"""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_filter_form needs the form, only")
    nodelist = parser.parse(("endcached_filter_form",))
    parser.delete_first_token()
    return CachedFilterFormNode(nodelist, parser.compile_filter(bits[1]))
