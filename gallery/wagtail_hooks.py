from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def readable_image_titles():
    return format_html('<script src="{}" defer></script>', static("js/admin-image-titles.js"))
