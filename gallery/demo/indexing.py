"""Search and reference indexes for the demo: filled once at the end, in bulk.

A save normally updates the search index and Wagtail's reference index on
the spot, which costs more than the save itself. While the demo is built
both are held off: the search backends' `AUTO_UPDATE` (the setting Wagtail
documents for bulk imports) with their save handlers disconnected, and
`disable_reference_index_auto_update`. Afterwards `update_index` indexes
everything, and the reference index is rebuilt as Wagtail's
`rebuild_references_index` would, in a few queries instead of several per object.
"""

import time
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save
from django.test.utils import override_settings
from modelcluster.models import ClusterableModel, get_all_child_relations
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

DEFAULT_SEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}


@contextmanager
def search_signals_disconnected():
    """The search index's save handlers, off: with AUTO_UPDATE off they still
    queue a task per save, and the task loads the object again to find that out."""
    models = [m for m in get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
            post_delete.connect(post_delete_signal_handler, sender=model)


def rebuild_references_in_bulk():
    """Wagtail's reference index rebuilt as `rebuild_references_index` does, but each
    object once (pages as their own type, not also as plain pages), their child
    objects prefetched, and the rows inserted together: minutes become seconds."""
    ReferenceIndex.objects.all().delete()
    rows = []
    for obj in indexed_objects():
        rows += reference_rows(obj)
    ReferenceIndex.objects.bulk_create(rows, batch_size=2000)


def indexed_objects():
    for model in apps.get_models():
        if not ReferenceIndex.is_indexed(model):
            continue
        objects = model.objects.all()
        if issubclass(model, Page):
            # Each page once, as its own type.
            objects = objects.filter(content_type=ContentType.objects.get_for_model(model))
        if issubclass(model, ClusterableModel):
            # Child objects (gallery images, tags) are part of their page's references.
            relations = [
                relation.get_accessor_name() for relation in get_all_child_relations(model)
            ]
            objects = objects.prefetch_related(*relations)
        yield from objects.order_by("pk")


def reference_rows(obj):
    content_types = [
        ContentType.objects.get_for_model(model, for_concrete_model=False)
        for model in [obj, *obj._meta.get_parent_list()]
    ]
    return [
        ReferenceIndex(
            content_type=content_types[0],
            base_content_type=content_types[-1],
            object_id=obj.pk,
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(obj)
        )
    ]


@contextmanager
def indexed_in_bulk(say):
    """Saves inside the block skip per-save indexing; everything is indexed on the way out."""
    configured = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or DEFAULT_SEARCH_BACKENDS
    backends = {name: {**params, "AUTO_UPDATE": False} for name, params in configured.items()}
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=backends),
        disable_reference_index_auto_update(),
        search_signals_disconnected(),
    ):
        yield
    started = time.monotonic()
    call_command("update_index", verbosity=0)
    say(f"Indexed for search in {time.monotonic() - started:.1f} s.")
    started = time.monotonic()
    rebuild_references_in_bulk()
    say(f"Rebuilt the reference index in {time.monotonic() - started:.1f} s.")
