"""The generation, the stored pages, and how long each may live."""

import hashlib
import logging
import math
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string

from . import frontend

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Replaced only by changes to what every render reads alike (a Site, site
# settings, a site's root page, locales): what primed.py keeps per process.
SITE_GENERATION_KEY = "pagecache:site-generation"
ENTRY_PREFIX = "pagecache:page:"
# An entry with less life than this left is not worth storing.
SHORTEST_LIFE = 1


def now():
    """The clock entries are judged by (tests move it instead of sleeping)."""
    return time.time()


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def entry_key(url):
    """A fixed-length key whatever the URL (a 2,000-character path, odd characters).

    It carries the static files' manifest hash: pages hold their stylesheets inline
    under a policy listing their hashes, so a page stored before a release that
    changed the CSS must not be served after it (it would show unstyled).
    """
    release = getattr(staticfiles_storage, "manifest_hash", "") or ""
    return ENTRY_PREFIX + hashlib.sha256(f"{release}\0{url}".encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    generation: str
    until: float  # epoch seconds: never served after this
    status: int
    headers: tuple
    content: bytes

    def seconds_left(self, now):
        return self.until - now


@dataclass(frozen=True)
class Found:
    generation: str | None
    site_generation: str | None
    entry: Entry | None  # only if it may be served now
    also: dict  # the values of the other keys asked for


def lookup(key, *also):
    """The current generations, the stored page and `also`, in one read."""
    values = cache.get_many([GENERATION_KEY, SITE_GENERATION_KEY, key, *also])
    generation, entry = values.get(GENERATION_KEY), values.get(key)
    if (
        generation is None
        or not isinstance(entry, Entry)
        or entry.generation != generation
        or entry.seconds_left(now()) < SHORTEST_LIFE
    ):
        entry = None
    return Found(
        generation,
        values.get(SITE_GENERATION_KEY),
        entry,
        {other: values.get(other) for other in also},
    )


def current_generation(key=GENERATION_KEY):
    """The generation to render under, made if there is none (cold or culled cache)."""
    fresh = uuid.uuid4().hex
    if cache.add(key, fresh, timeout=None):
        return fresh
    return cache.get(key)


# What each PAGE_CACHE_EXPIRES_BY function last said in this process, and under
# which generation: path -> (generation, epoch seconds or None).
LAPSES = {}


def lapse_moment(path, generation, now):
    """When something a page may show lapses by itself (epoch seconds, or None).

    Asked once per generation and process: whatever could bring the moment
    forward (a new reservation) commits a change, which replaces the
    generation; once the moment has passed, the next one is asked for.
    """
    known = LAPSES.get(path)
    if known is not None and known[0] == generation and (known[1] is None or known[1] > now):
        return known[1]
    moment = import_string(path)()
    moment = moment.timestamp() if moment is not None else None
    LAPSES[path] = (generation, moment)
    return moment


def lifetime_end(started, generation):
    """When a page rendered now must go: PAGE_CACHE_SECONDS from now, or sooner
    if something it may show lapses by itself before then (a reservation)."""
    ends = [started + settings.PAGE_CACHE_SECONDS]
    for path in settings.PAGE_CACHE_EXPIRES_BY:
        moment = lapse_moment(path, generation, started)
        if moment is not None:
            ends.append(moment)
    return min(ends)


def save(key, generation, response, headers):
    """Stores the page; returns its entry, or None if it would live too short a time.

    The lapse times are read under the generation the page was rendered
    under, so they cover at least what the page saw; anything that changed
    since has replaced the generation.
    """
    started = now()
    until = lifetime_end(started, generation)
    if until - started < SHORTEST_LIFE:
        return None
    # A change committed while this page rendered: it is stale already, and a CDN
    # must not keep it either (its purge ran before this response left).
    if cache.get(GENERATION_KEY) != generation:
        return None
    entry = Entry(generation, until, response.status_code, tuple(headers), response.content)
    cache.set(key, entry, timeout=math.ceil(until - started))
    return entry


def bump(purge=frontend.NOTHING, site_wide=False):
    """Every page stored so far is stale: a new generation replaces the old one
    (and the site generation too if what every render reads alike changed).

    Runs after the change has committed, so a cache that fails does not raise:
    the write is tried once more, then logged as an error with its exception
    (pages stored before may then be served until PAGE_CACHE_SECONDS runs out).
    The CDN is purged either way.
    """
    for attempt in (1, 2):
        try:
            # The site generation first: a page is stored under the page
            # generation, which must not be new while the site's is still old.
            if site_wide:
                cache.set(SITE_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            break
        except Exception:
            if attempt == 1:
                logger.warning("Page cache generation not replaced; trying again", exc_info=True)
            else:
                logger.exception(
                    "Page cache generation NOT replaced after a change: stored pages may be "
                    "served stale for up to PAGE_CACHE_SECONDS=%s",
                    settings.PAGE_CACHE_SECONDS,
                )
    frontend.purge(purge)


def invalidate(
    pages=(),
    page_ids=(),
    url_paths=(),
    subtrees=(),
    moved=None,
    everything=False,
    site_wide=False,
):
    """Call wherever something a public page shows changes; it takes effect on commit.

    The arguments name what a CDN in front must drop (frontend.purge_for); the
    URLs are read now, while the pages still have them. Every stored page goes
    whatever they name. `site_wide`: a Site, its settings or root page changed,
    which every render reads alike (primed.py).
    """
    pending().append(frontend.purge_for(pages, page_ids, url_paths, subtrees, moved, everything))
    if site_wide:
        pending_site_wide()[0] = True
    # Robust: the change has committed whatever happens there.
    transaction.on_commit(flush, robust=True)


def pending():
    """This connection's invalidations not yet flushed (its connection is per thread)."""
    connection = transaction.get_connection()
    if not hasattr(connection, "pagecache_pending"):
        connection.pagecache_pending = []
    return connection.pagecache_pending


def pending_site_wide():
    """[whether one of them changed what every render reads alike]"""
    connection = transaction.get_connection()
    if not hasattr(connection, "pagecache_site_wide"):
        connection.pagecache_site_wide = [False]
    return connection.pagecache_site_wide


def flush():
    """The first callback of a commit bumps once and purges all its invalidations
    together (a seed or a bulk unpublish makes hundreds); the others find nothing
    left. What a rolled-back transaction left goes with the next commit: purging
    more than needed is never wrong."""
    purges, site_wide = pending(), pending_site_wide()
    if purges:
        merged = frontend.merged(purges)
        purges.clear()
        bump(merged, site_wide=site_wide[0])
        site_wide[0] = False
