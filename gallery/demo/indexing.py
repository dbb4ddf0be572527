"""Search and reference indexes for the demo: filled once at the end, by Wagtail's commands.

A save normally updates the search index and Wagtail's reference index on
the spot, which costs more than the save itself. While the demo is built
both are held off, through the settings Wagtail documents for bulk imports:
the search backends' `AUTO_UPDATE` and `disable_reference_index_auto_update`.
Afterwards `update_index` and `rebuild_references_index` index everything
in bulk, as after any scripted import.
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from wagtail.signal_handlers import disable_reference_index_auto_update

DEFAULT_SEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}


@contextmanager
def indexed_in_bulk(say):
    """Saves inside the block skip per-save indexing; everything is indexed on the way out."""
    configured = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or DEFAULT_SEARCH_BACKENDS
    backends = {name: {**params, "AUTO_UPDATE": False} for name, params in configured.items()}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends), disable_reference_index_auto_update():
        yield
    started = time.monotonic()
    call_command("update_index", verbosity=0)
    call_command("rebuild_references_index", verbosity=0)
    say(f"Indexed for search in {time.monotonic() - started:.1f} s.")
