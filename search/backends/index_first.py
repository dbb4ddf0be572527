"""What the SQLite and PostgreSQL paths share: the full-text index is read first.

Wagtail's database backends start from the searched queryset and join the
index to it, so the database walks every object the queryset could hold (10,000
paintings) to find the few hundred that match, and checks the queryset's filters
(visibility, the shop's sale state) for all of them. Here the index's matches
come first, through the index's own full-text lookup, and only they are checked
against the queryset (a primary-key lookup per match). Each match is scored
once. Counting the results (the paginator does so first) ranks the matches it
keeps in the same statement, so each match is checked against the queryset once
per search, and the pages load from the keys it returned. Uncounted, the
database sorts and keeps one page of keys, and the same statement loads those
objects, each scored again through its own index entry for the order.

A backend supplies `normalized_query()`, `has_terms()` (whether the query has
words to look up), `index_matches()` (the matching index rows with the object's
key as `object_pk`), `score()` on those rows, `score_of(pk)` (one object's
score), and `BEST_FIRST` (how its scores sort).
"""

from django.db import connections
from django.db.models import Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.lookups import In
from django.db.models.sql.where import AND, WhereNode
from wagtail.models import Page
from wagtail.search.query import And, Or, Phrase, PlainText
from wagtail.search.utils import get_descendants_content_types_pks


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


def excluded_page_types(queryset):
    """The page content types the queryset rules out as a whole (Wagtail's
    `not_type()`): their matches need not be scored, nor checked one by one
    (the search's "other pages" leave out the paintings, nearly every match)."""
    where = queryset.query.where
    if where.connector != AND or where.negated:
        return set()
    excluded = set()
    for child in where.children:
        if not (isinstance(child, WhereNode) and child.negated and len(child.children) == 1):
            continue
        lookup = child.children[0]
        target = getattr(lookup.lhs, "target", None)
        if (
            isinstance(lookup, In)
            and target is not None
            and target.model is Page
            and target.name == "content_type"
            and isinstance(lookup.rhs, (list, tuple, set))
        ):
            excluded.update(lookup.rhs)
    return excluded


class IndexFirstCompilerMixin:
    # "score" where a lower score ranks higher (SQLite's bm25), "-score" otherwise.
    BEST_FIRST = "-score"
    # The counted search's keys, best first.
    ranked_keys = None

    def _get_filters_from_queryset(self, check_only=False):
        """Any filter will do: the queryset itself runs inside the SQL (as a
        primary-key lookup per match), never translated into index filters."""
        if check_only:
            return None
        return super()._get_filters_from_queryset(check_only=False)

    def reads_index_first(self):
        return (
            integer_pk(self.queryset.model) is not None
            and plain_words(self.normalized_query())
            and self.has_terms()
        )

    def searched_content_types(self):
        """The content types whose index entries can hold the queryset's objects."""
        model = self.queryset.model
        excluded = excluded_page_types(self.queryset) if issubclass(model, Page) else set()
        return [pk for pk in get_descendants_content_types_pks(model) if pk not in excluded]

    def matches(self):
        """The index rows that match, for objects of the searched queryset, unscored."""
        return self.index_matches().filter(Exists(self.queryset.filter(pk=OuterRef("object_pk"))))

    def ranked_pks(self, start, stop):
        """The primary keys of one page of matches, best first (ties: highest key
        first, as Wagtail orders them): the database scores every match once and
        keeps the page."""
        return self.ranked(self.matches()).values("object_pk")[start:stop]

    def ranked(self, matches):
        """These index rows scored, best first (ties: highest key first)."""
        return matches.annotate(score=self.score()).order_by(self.BEST_FIRST, F("object_pk").desc())

    def count_matches(self):
        """How many matches the queryset keeps.

        Checking a match against the queryset (the visibility of a painting's
        ancestors, the shop's state) costs more than scoring it, so each match
        is checked once, here: the same statement ranks the matches kept and
        returns all their keys, best first (SQLite's bm25 cannot feed a window
        count), and the pages then load from these keys: a later page costs no
        more than the first."""
        ranked = self.ranked(self.matches()).values_list("object_pk")
        # Read as the database returns them (integers on both): through the ORM,
        # a conversion per key cost ~2 ms for 2,500 matches.
        sql, params = ranked.query.sql_with_params()
        with connections[ranked.db].cursor() as cursor:
            cursor.execute(sql, params)
            self.ranked_keys = [key for (key,) in cursor.fetchall()]
        return len(self.ranked_keys)

    def ranked_page(self, start, stop, score_field=None):
        """One page of results, best first, in one query; with their scores in
        `score_field` if given (Wagtail's `annotate_score()`)."""
        # A page, not every result (their keys could outnumber SQL's parameters).
        if self.ranked_keys is not None and stop is not None:
            return self.page_of_counted_keys(self.ranked_keys[start:stop], score_field)
        score_field = score_field or "_search_score"
        best_first = f"-{score_field}" if self.BEST_FIRST.startswith("-") else score_field
        return list(
            self.with_scores(self.queryset, score_field)
            .filter(pk__in=self.ranked_pks(start, stop))
            .order_by(best_first, "-pk")
        )

    def page_of_counted_keys(self, keys, score_field):
        """The objects of keys ranked while counting, in their order; checked
        against the queryset again (cheap for one page: it may have changed since)."""
        page = self.queryset.filter(pk__in=keys)
        if score_field:
            page = self.with_scores(page, score_field)
        position = {pk: index for index, pk in enumerate(keys)}
        return sorted(page, key=lambda result: position[result.pk])

    def with_scores(self, queryset, score_field):
        return queryset.annotate(**{score_field: Subquery(self.score_of(OuterRef("pk")))})

    def matching_in_own_order(self, start, stop):
        """Another order (price, newest): the queryset's own, over the matches."""
        queryset = self.queryset.filter(pk__in=self.index_matches().values("object_pk"))
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset[start:stop]


class IndexFirstResultsMixin:
    def ranks_in_index(self):
        # Autocomplete (the admin's explorer search) keeps Wagtail's own compiler.
        compiler = self.query_compiler
        return (
            isinstance(compiler, IndexFirstCompilerMixin)
            and compiler.order_by_relevance
            and compiler.reads_index_first()
        )

    def _do_search(self):
        if not self.ranks_in_index():
            return super()._do_search()
        return self.query_compiler.ranked_page(self.start, self.stop, self._score_field)

    def _do_count(self):
        if not self.ranks_in_index():
            return super()._do_count()
        return self.query_compiler.count_matches()
