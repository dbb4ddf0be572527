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
Here the FTS index is read once, first, each match scored there with Wagtail's
own relevance (bm25 and the title norm, so results rank as before) and kept if
the searched queryset holds its object (a primary-key lookup per match); the
database sorts and keeps one page of keys, and the same statement loads those
objects, each scored again through its own index entry for the order. Counting
reads the same matches without scoring them.
"""

from django.db.models import CharField, Exists, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from wagtail.search.backends.database.sqlite.query import MatchExpression, normalize
from wagtail.search.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from wagtail.search.query import And, Or, Phrase, PlainText
from wagtail.search.utils import get_descendants_content_types_pks


class NoIndex(Func):
    """`+column`: the same value, but SQLite will not reach the table through an
    index on it, so the planner must come from the FTS table by rowid."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def integer_pk(model):
    """The model's primary key, if it is an integer (through parent links), else None."""
    pk = model._meta.pk
    while pk.is_relation:
        pk = pk.target_field
    return pk if isinstance(pk, IntegerField) else None


def plain_words(query):
    """Words and phrases joined by AND / OR: what the site sends (no negation,
    no match-all, which Wagtail's own path handles)."""
    if isinstance(query, (And, Or)):
        return all(plain_words(subquery) for subquery in query.subqueries)
    return isinstance(query, (PlainText, Phrase))


class IndexFirstQueryCompiler(SQLiteSearchQueryCompiler):
    def _get_filters_from_queryset(self, check_only=False):
        """Any filter will do: the queryset itself runs inside the SQL (as a
        primary-key lookup per match), never translated into index filters."""
        if check_only:
            return None
        return super()._get_filters_from_queryset(check_only=False)

    def reads_index_first(self):
        return (
            integer_pk(self.queryset.model) is not None
            and plain_words(normalize(self.query))
            and self.match_query() is not None
        )

    def match_query(self):
        return self.build_search_query(normalize(self.query))

    def match(self):
        return MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.match_query())

    def matches(self):
        """The FTS rows that match, for objects of the searched queryset, unscored."""
        object_pk = Cast("index_entry__object_id", IntegerField())
        content_types = get_descendants_content_types_pks(self.queryset.model)
        return (
            SQLiteFTSIndexEntry.objects.filter(self.match())
            .alias(content_type=NoIndex(F("index_entry__content_type_id")))
            .filter(content_type__in=content_types)
            .annotate(object_pk=object_pk)
            .filter(Exists(self.queryset.filter(pk=OuterRef("object_pk"))))
        )

    def score(self):
        return self._build_rank_expression(self.get_search_vectors(), config=None)

    def ranked_pks(self, start, stop):
        """The primary keys of one page of matches, best first (ties: highest key
        first, as Wagtail orders them): the database scores every match once and
        keeps the page."""
        return (
            self.matches()
            .annotate(score=self.score())
            .order_by("score", F("object_pk").desc())
            .values("object_pk")[start:stop]
        )

    def score_of(self, pk):
        """The score of one object, for the few on a page: found through the index
        entry's own (content type, object id) index, then the FTS row by rowid."""
        content_types = get_descendants_content_types_pks(self.queryset.model)
        return (
            SQLiteFTSIndexEntry.objects.filter(self.match())
            .filter(
                index_entry__content_type_id__in=content_types,
                index_entry__object_id=Cast(pk, CharField()),
            )
            .annotate(score=self.score())
            .values("score")[:1]
        )

    def ranked_page(self, start, stop, score_field):
        """One page of results with their scores, in one query."""
        return (
            self.queryset.filter(pk__in=self.ranked_pks(start, stop))
            .annotate(**{score_field: Subquery(self.score_of(OuterRef("pk")))})
            .order_by(score_field, "-pk")
        )

    def search(self, config, start, stop, score_field=None):
        if self.order_by_relevance or not self.reads_index_first():
            return super().search(config, start, stop, score_field=score_field)
        # Another order (price, newest): the queryset's own, over the matches.
        queryset = self.queryset.filter(pk__in=self.matches().values("object_pk"))
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset[start:stop]


class IndexFirstResults(SQLiteSearchResults):
    def ranks_in_index(self):
        # Autocomplete (the admin's explorer search) keeps Wagtail's own compiler.
        compiler = self.query_compiler
        return (
            isinstance(compiler, IndexFirstQueryCompiler)
            and compiler.order_by_relevance
            and compiler.reads_index_first()
        )

    def _do_search(self):
        if not self.ranks_in_index():
            return super()._do_search()
        score_field = self._score_field or "_search_score"
        return list(self.query_compiler.ranked_page(self.start, self.stop, score_field))

    def _do_count(self):
        if not self.ranks_in_index():
            return super()._do_count()
        return self.query_compiler.matches().count()


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
