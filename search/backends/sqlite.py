"""A SQLite full-text search that scales (see search.backends for when it is used).

Why SQLite needs its own (Wagtail 8 / django-modelsearch 1.x), as measured on
10,000 paintings: Wagtail's SQLite backend
  - joins the FTS5 table as the *inner* side: the planner walks every index
    entry of the model through the (content_type, object_id) index and probes
    the FTS table by rowid for each, re-running the MATCH 10,000 times (1.5 s
    to count the matches of "sea", where reading the FTS index first takes 1 ms);
  - ranks through a correlated subquery, one per candidate page, that runs the
    MATCH again and looks the page up by `object_id = <integer pk>`, which the
    (text) object_id index cannot serve: every match against every match,
    6.6 s for one page of results.
Here the FTS index is read first (search.backends.index_first), each match
scored there with Wagtail's own relevance (bm25 and the title norm, so results
rank as before).
"""

from django.db.models import CharField, F, Func, IntegerField
from django.db.models.functions import Cast
from wagtail.search.backends.database.sqlite.query import MatchExpression, normalize
from wagtail.search.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)

from .index_first import IndexFirstCompilerMixin, IndexFirstResultsMixin


class NoIndex(Func):
    """`+column`: the same value, but SQLite will not reach the table through an
    index on it, so the planner must come from the FTS table by rowid."""

    template = "+%(expressions)s"
    output_field = IntegerField()


class IndexFirstQueryCompiler(IndexFirstCompilerMixin, SQLiteSearchQueryCompiler):
    BEST_FIRST = "score"  # bm25: lower is better

    def normalized_query(self):
        return normalize(self.query)

    def has_terms(self):
        return self.match_query() is not None

    def match_query(self):
        return self.build_search_query(self.normalized_query())

    def match(self):
        return MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.match_query())

    def index_matches(self):
        content_types = self.searched_content_types()
        return (
            SQLiteFTSIndexEntry.objects.filter(self.match())
            .alias(content_type=NoIndex(F("index_entry__content_type_id")))
            .filter(content_type__in=content_types)
            .annotate(object_pk=Cast("index_entry__object_id", IntegerField()))
        )

    def score(self):
        return self._build_rank_expression(self.get_search_vectors(), config=None)

    def score_of(self, pk):
        """The score of one object, for the few on a page: found through the index
        entry's own (content type, object id) index, then the FTS row by rowid."""
        content_types = self.searched_content_types()
        return (
            SQLiteFTSIndexEntry.objects.filter(self.match())
            .filter(
                index_entry__content_type_id__in=content_types,
                index_entry__object_id=Cast(pk, CharField()),
            )
            .annotate(score=self.score())
            .values("score")[:1]
        )

    def search(self, config, start, stop, score_field=None):
        if self.order_by_relevance or not self.reads_index_first():
            return super().search(config, start, stop, score_field=score_field)
        return self.matching_in_own_order(start, stop)


class IndexFirstResults(IndexFirstResultsMixin, SQLiteSearchResults):
    pass


class IndexFirstSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = IndexFirstQueryCompiler
    results_class = IndexFirstResults
    # Searches any queryset, whatever it filters on (Wagtail's backends accept
    # filters on declared FilterFields only).
    searches_any_queryset = True


def index_first(backend, params):
    """This backend in place of Wagtail's SQLite FTS5 one (not of its fallback
    for an SQLite built without FTS5)."""
    if isinstance(backend, SQLiteSearchBackend):
        return IndexFirstSQLiteSearchBackend(params)
    return backend
