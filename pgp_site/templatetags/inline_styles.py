from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pgp_site import inline_styles

register = template.Library()


@register.simple_tag
def inline_stylesheet(path):
    """<style> with the static stylesheet at path (one of inline_styles.INLINED)."""
    return format_html("<style>{}</style>", mark_safe(inline_styles.stylesheet(path).css))  # noqa: S308 (our own static file, checked for '</')
