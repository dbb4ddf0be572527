"""What the gallery's page types share: SEO fields, stream bodies, live-only routing."""

from django.http import Http404

from ..images import (
    CARD_IMAGE,
    PAINTING_IMAGE,
    SHARE_IMAGE_SPEC,
    prefetch_renditions_of,
)


class StreamBodyMixin:
    """Pages with a StreamField `body`: all of its pictures' renditions in one query."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        images = [getattr(self, self.main_image_field)] if self.main_image_field else []
        for block in self.body:
            if block.block_type == "image":
                images.append(block.value["image"])
            elif block.block_type == "painting" and block.value["painting"]:
                images.append(block.value["painting"].image)
        prefetch_renditions_of(images, CARD_IMAGE, PAINTING_IMAGE, SHARE_IMAGE_SPEC)
        return context


class SeoMixin:
    """What the base template needs for meta, OpenGraph and Twitter tags.

    Each page loads its main image in get_context, together with whatever
    else it shows, and the renditions the share tag needs (SHARE_IMAGE_SPEC).
    """

    main_image_field = None

    def get_share_image(self):
        return getattr(self, self.main_image_field) if self.main_image_field else None

    def get_meta_description(self):
        return self.search_description or ""


class LiveRouteMixin:
    """Routes through this page only while it is live.

    Wagtail's level-by-level walk checks only the page it ends on, so a page
    under an unpublished one would be served (HomePage.route checks all levels
    in its own query; this covers a site rooted below the home page).
    """

    def route(self, request, path_components):
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)
