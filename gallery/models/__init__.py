"""The artist's content: pages she edits in the Wagtail admin.

Sale state (available / reserved / sold) is deliberately not here: pages are
revisioned, and reverting a draft must never un-sell a painting. It lives in
the shop app, keyed by the painting page.
"""

from .collections import CollectionPage, GalleryIndexPage
from .editions import PrintEdition, PrintProcess
from .home import HomePage, HomePageFeaturedPainting
from .journal import ArticlePage, ArticlePageTag, JournalIndexPage
from .mixins import LiveRouteMixin, SeoMixin, StreamBodyMixin
from .pages import HONEYPOT_FIELD, ContactFormField, ContactPage, HoneypotFormBuilder, StandardPage
from .paintings import PaintingGalleryImage, PaintingPage, PaintingPageTag
from .site import GallerySettings, Medium

__all__ = [
    "HONEYPOT_FIELD",
    "ArticlePage",
    "ArticlePageTag",
    "CollectionPage",
    "ContactFormField",
    "ContactPage",
    "GalleryIndexPage",
    "GallerySettings",
    "HomePage",
    "HomePageFeaturedPainting",
    "HoneypotFormBuilder",
    "JournalIndexPage",
    "LiveRouteMixin",
    "Medium",
    "PaintingGalleryImage",
    "PaintingPage",
    "PaintingPageTag",
    "PrintEdition",
    "PrintProcess",
    "SeoMixin",
    "StandardPage",
    "StreamBodyMixin",
]
