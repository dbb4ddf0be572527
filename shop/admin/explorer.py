"""The page explorer: each painting's sale status beside its live/draft status.

Wagtail offers no hook for the explorer's columns, so the status cell
(templates/wagtailadmin/pages/listing/_page_status_cell.html) shows the value
annotated here, through the explorer's queryset hook: one subquery in the
listing's own query, whatever the number of pages.
"""

from django.db.models import OuterRef, Subquery

from gallery.models import PaintingPage

# Not `sale_status`: PaintingPage computes that one with a query of its own
# when it is missing (as in search results, which drop annotations).
ANNOTATION = "listing_sale_status"


def with_listing_sale_status(pages):
    """`pages` (of any type) with each painting's SaleStatus value; None for other pages."""
    status = PaintingPage.objects.with_sale_status().filter(pk=OuterRef("pk"))
    return pages.annotate(**{ANNOTATION: Subquery(status.values("sale_status")[:1])})
