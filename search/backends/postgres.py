"""A PostgreSQL full-text search that scales (see search.backends for when it is used).

Why PostgreSQL needs its own (Wagtail 8 / django-modelsearch 1.x), as measured
with EXPLAIN ANALYZE on 10,000 paintings: Wagtail's PostgreSQL backend
  - matches on `title || body`, which none of the index table's GIN indexes
    (one per column) can serve: every index entry's vectors are read and joined
    for every search (30-45 ms for "sea", where the GIN index on the expression,
    added by this app's migration, takes under 1 ms);
  - starts from the searched queryset and joins the index entries to it by
    `object_id = page_id::varchar`: a hash join over all 10,000 paintings;
  - checks the queryset's filters (visibility, the shop's state) on every
    match, then ranks every match, then counts them all again the same way.
Here the index is read first (search.backends.index_first), and each match
scored with Wagtail's own relevance (`ts_rank` of title and body, the title
weighted by its norm), so results rank as before.
"""

from django.db.models import CharField, F, IntegerField
from django.db.models.functions import Cast
from wagtail.search.backends.database.postgres.postgres import (
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
)
from wagtail.search.models import IndexEntry

from .index_first import IndexFirstCompilerMixin, IndexFirstResultsMixin

# The vectors Wagtail matches and ranks on, as this app's GIN index spells them.
INDEX_VECTORS = [(F("title"), F("title_norm")), (F("body"), 1.0)]


class IndexFirstPostgresQueryCompiler(IndexFirstCompilerMixin, PostgresSearchQueryCompiler):
    BEST_FIRST = "-score"  # ts_rank: higher is better
    search_config = None  # the backend's text search configuration, set per search

    def normalized_query(self):
        return self.query

    def reads_index_first(self):
        # Searching named fields builds vectors from the model's columns: Wagtail's path.
        return self.fields is None and super().reads_index_first()

    def has_terms(self):
        return self.tsquery() is not None

    def tsquery(self):
        return self.build_tsquery(self.query, config=self.search_config)

    def matching_entries(self):
        """Index entries whose words match, of any content type (`title || body`
        as Wagtail's backend matches them, which this app's GIN index serves)."""
        words = INDEX_VECTORS[0][0]._combine(INDEX_VECTORS[1][0], "||", False)
        return IndexEntry.objects.alias(words=words).filter(words=self.tsquery())

    def index_matches(self):
        return (
            self.matching_entries()
            .filter(content_type_id__in=self.searched_content_types())
            .annotate(object_pk=Cast("object_id", IntegerField()))
        )

    def score(self):
        return self._build_rank_expression(INDEX_VECTORS, self.search_config)

    def score_of(self, pk):
        """The score of one object, for the few on a page: its index entry, found
        through the (content type, object id) index."""
        return (
            IndexEntry.objects.filter(
                content_type_id__in=self.searched_content_types(), object_id=Cast(pk, CharField())
            )
            .annotate(score=self.score())
            .values("score")[:1]
        )

    def search(self, config, start, stop, score_field=None, backend=None):
        self.search_config = config
        if self.order_by_relevance or not self.reads_index_first():
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        return self.matching_in_own_order(start, stop)


class IndexFirstPostgresResults(IndexFirstResultsMixin, PostgresSearchResults):
    def ranks_in_index(self):
        compiler = self.query_compiler
        if isinstance(compiler, IndexFirstPostgresQueryCompiler):
            compiler.search_config = compiler.get_config(self.backend)
        return super().ranks_in_index()


class IndexFirstPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = IndexFirstPostgresQueryCompiler
    results_class = IndexFirstPostgresResults
    # Searches any queryset, whatever it filters on (Wagtail's backends accept
    # filters on declared FilterFields only).
    searches_any_queryset = True


def index_first(backend, params):
    """This backend in place of Wagtail's PostgreSQL one."""
    if isinstance(backend, PostgresSearchBackend):
        return IndexFirstPostgresSearchBackend(params)
    return backend
