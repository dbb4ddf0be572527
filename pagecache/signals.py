"""What invalidates every stored page, besides sale state (the shop's services
call ``invalidate`` themselves, the one place sale state changes).

- any save or delete of a Wagtail page: publish, unpublish, revert, a draft
  saved on a live page (wasteful but never wrong), delete; and a move;
- site settings (every BaseSiteSetting / BaseGenericSetting), sites, view
  restrictions (privacy), images (a focal point change saves the image),
  documents, and the models the settings add (PAGE_CACHE_INVALIDATED_BY).

Renditions are not in the list: they are made while pages render, and a page
that names one is made again after whatever changed the image.
"""

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .store import invalidate

ALWAYS = (BaseSiteSetting, BaseGenericSetting, Site, PageViewRestriction)


def invalidating_models():
    named = tuple(apps.get_model(label) for label in settings.PAGE_CACHE_INVALIDATED_BY)
    return (*ALWAYS, get_image_model(), get_document_model(), *named)


@receiver(post_save)
@receiver(post_delete)
def model_changed(sender, instance, raw=False, signal=None, **kwargs):
    if raw:  # loaddata: pages are not being served from it yet
        return
    if isinstance(instance, Page):
        # Any save: code may change a live page without publishing it. A CDN
        # is purged only when the public page changes (here on delete, and below).
        invalidate([instance] if signal is post_delete else [])
    elif isinstance(instance, invalidating_models()):
        invalidate()


@receiver(page_published)
@receiver(page_unpublished)
def page_published_or_unpublished(sender, instance, **kwargs):
    invalidate([instance])


@receiver(post_page_move)
def page_moved(sender, instance, url_path_before, **kwargs):
    invalidate([instance], url_paths=[url_path_before])
