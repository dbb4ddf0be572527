from wagtail.contrib.sitemaps import Sitemap

from .query import all_pages


class VisibleSitemap(Sitemap):
    """Wagtail's sitemap without the pages under an unpublished page (it checks
    live() and view restrictions, but not the ancestors' live)."""

    def items(self):
        root = self.get_wagtail_site().root_page
        return (
            all_pages()
            .visible()
            .descendant_of(root, inclusive=True)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
