"""Django's database cache, with a `set` that is one SQL statement.

Django's own `set` counts the whole table (to cull it), then selects the key
and updates or inserts it inside a transaction: three statements, five within
a savepoint, and a `COUNT(*)` over up to `MAX_ENTRIES` rows on every store. A
page-cache miss stores a page, so that cost fell on every first visitor.

Here `set` is one upsert (`INSERT … ON CONFLICT (cache_key) DO UPDATE`, which
SQLite and PostgreSQL both speak), and the table is counted and culled every
`CULL_EVERY` sets of a process instead of every set, so it can outgrow
`MAX_ENTRIES` by at most that many rows per worker. Reads, `add`, `incr`,
`touch` and deletes are Django's; so is `set` on other databases and inside a
transaction (requests run outside one: no ATOMIC_REQUESTS).
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router
from django.utils.timezone import now as tz_now

UPSERT_VENDORS = {"sqlite", "postgresql"}
CULL_EVERY = 200


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._sets = itertools.count(1)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        # Inside a transaction a failed statement would break it: Django's set
        # guards itself with a savepoint there.
        if connection.vendor not in UPSERT_VENDORS or connection.in_atomic_block:
            return super().set(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)
        columns = [quote(name) for name in ("cache_key", "value", "expires")]
        with connection.cursor() as cursor:
            if next(self._sets) % CULL_EVERY == 0:
                self._cull_if_full(db, cursor, table)
            try:
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, %s)"  # noqa: S608 - names from the model, values as parameters
                    f" ON CONFLICT ({columns[0]}) DO UPDATE"
                    f" SET {columns[1]} = EXCLUDED.{columns[1]},"
                    f" {columns[2]} = EXCLUDED.{columns[2]}",
                    [key, encoded, expires],
                )
            except DatabaseError:
                # As Django's: a store that fails is a cache miss later, never an error.
                return

    def _cull_if_full(self, db, cursor, table):
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the cache's own table
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, tz_now().replace(microsecond=0), count)
