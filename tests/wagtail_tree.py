"""Wagtail's own starting rows, for tests that begin on an empty database."""


def ensure_wagtail_tree():
    """The rows Wagtail's migrations create: default locale, root page and collection,
    a welcome page and the default site. A transactional test flushes the database
    when it ends, so the next one would otherwise start without them."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    if not ContentType.objects.exists():
        # The test before flushed without post_migrate (serialized_rollback): make
        # Django's own rows as a plain flush does, and forget the ids cached before.
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        ContentType.objects.clear_cache()
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Site.objects.exists():
        welcome = root.add_child(instance=Page(title="Welcome", slug="home", locale=locale))
        Site.objects.create(hostname="localhost", root_page=welcome, is_default_site=True)
