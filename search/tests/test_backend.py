"""The search at scale, on both databases: odd queries never reach the full-text
parser as syntax, and on SQLite the work done grows with the matches, not with
their square (counted in SQLite's virtual-machine steps, not timed)."""

import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from wagtail.search.backends import get_search_backend

from gallery.models import CollectionPage, PaintingPage
from tests.factories import CollectionPageFactory, PaintingPageFactory, UserFactory
from tests.helpers import SEARCH_URL, search_for, titles

HARBOURS = {"Harbour at Dawn", "Quiet Harbour"}
# Found or not depending on the database's language rules (stop words, accents).
EITHER = "either"

# --- hostile queries, on whichever database the suite runs -----------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # FTS5 syntax is just punctuation between words here.
        ('"harbour', HARBOURS),
        ('harbour"', HARBOURS),
        ('"quiet harbour"', HARBOURS),
        ("harbour*", HARBOURS),
        ("*harbour", HARBOURS),
        ("harbour -dawn", {"Harbour at Dawn"}),
        ("-", None),
        ("title:harbour", set()),
        ("{title body}: harbour", set()),
        ("NEAR(harbour dawn)", set()),
        ("NEAR(harbour", set()),
        ("harbour AND OR NOT", EITHER),
        ("harbour ^ + :", HARBOURS),
        ("'harbour'", HARBOURS),
        ("Harbour's", EITHER),
        ("*", None),
        ('"', None),
        ("()", None),
        ("", None),
        ("hárbour", EITHER),
        ("港 ハーバー 항구", set()),
        ("لوحة البحر", set()),
    ],
)
def test_query_syntax_is_never_syntax(client, corpus, query, expected):
    """Every query is words: results, or a clean "nothing found", never an error.
    `expected` None: no painting list at all (nothing to search for)."""
    response = search_for(client, q=query)
    if expected is EITHER:
        assert set(titles(response)) in (set(), HARBOURS)
    elif expected is None:
        paintings = response.context["paintings"]
        assert paintings is None or paintings.paginator.count == 0
    else:
        assert set(titles(response)) == expected
        assert response.context["found_nothing"] == (not expected)


def test_a_thousand_characters_are_searched_as_the_first_two_hundred(client, corpus):
    query = "harbour " + "quiet " * 170
    assert len(query) > 1_000
    response = search_for(client, q=query)
    assert set(titles(response)) == HARBOURS  # both have "quiet" and "harbour"
    assert "only its first 200 characters were used" in response.content.decode()


@pytest.mark.parametrize("raw", ["q=harbour%00", "q=%00", "q=%22%00NEAR(", "q=harbour&page=%00"])
def test_nul_bytes_never_reach_the_search(client, corpus, raw):
    response = client.get(f"{SEARCH_URL}?{raw}")
    assert response.status_code in (200, 400)


def test_filters_and_visibility_hold_on_the_ranked_path(client, corpus):
    corpus.paintings.quiet_harbour.unpublish()
    response = search_for(client, q="harbour", medium=corpus.oil.pk)
    assert titles(response) == ["Harbour at Dawn"]
    assert response.context["paintings"].paginator.count == 1


# --- SQLite: the work grows with the matches, not their square -----------------------


def vm_steps(client, params):
    """SQLite virtual-machine steps (in hundreds) for one search request."""
    client.get(SEARCH_URL, params)  # warm-up: renditions, today's hit row
    steps = 0

    def count():
        nonlocal steps
        steps += 1
        return 0

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 100)
    try:
        response = client.get(SEARCH_URL, params)
    finally:
        connection.connection.set_progress_handler(None, 100)
    assert response.status_code == 200
    return steps, response


def add_seascapes(site_tree, numbers):
    for number in numbers:
        PaintingPageFactory(
            parent=site_tree.coast,
            title=f"Seascape {number}",
            medium=site_tree.oil,
            description=f"<p>The sea, study {number}.</p>",
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own full-text path")
def test_sqlite_search_work_grows_with_the_matches_not_their_square(client, site_tree):
    # The project's own path (search.backends.sqlite, importable on SQLite only).
    assert type(get_search_backend()).__name__ == "IndexFirstSQLiteSearchBackend"
    params = {"q": "sea"}
    browsing = {"medium": site_tree.oil.pk}
    add_seascapes(site_tree, range(20))
    twenty, response = vm_steps(client, params)
    assert response.context["paintings"].paginator.count == 20
    browsing_twenty, _ = vm_steps(client, browsing)

    add_seascapes(site_tree, range(20, 80))
    eighty, response = vm_steps(client, params)
    assert response.context["paintings"].paginator.count == 80
    assert len(titles(response)) == 24
    browsing_eighty, response = vm_steps(client, browsing)
    assert response.context["paintings"].paginator.count == 80

    # Four times the matches: under four times the work when each match is read
    # once (116 -> 304 hundred steps); Wagtail's own SQLite backend did seven
    # times (144 -> 1,019), every match against every match.
    assert eighty < 4 * twenty, (twenty, eighty)
    # Browsing without words: "visible" once read the whole page table for every
    # painting it checked (gallery/query.py); now the hidden pages, once.
    assert browsing_eighty < 4 * browsing_twenty, (browsing_twenty, browsing_eighty)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own full-text path")
def test_sqlite_checks_each_match_against_the_filters_once(client, site_tree):
    """Checking a match's visibility costs SQLite more than scoring it: the count
    ranks the matches it keeps, and the page loads from those keys, without a
    second full-text search over every match."""
    add_seascapes(site_tree, range(30))
    statements, response = search_statements(client, {"q": "sea"})
    assert response.context["paintings"].paginator.count == 30
    assert len(titles(response)) == 24
    # Paintings counted and ranked, articles, other pages: three full-text searches.
    assert sum(" MATCH " in sql for sql, _ in statements) == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own query plans")
def test_sqlite_browses_a_collection_through_the_path_index(client, site_tree):
    """The collection filter finds its paintings through the index on `path`;
    Wagtail's child_of() (a LIKE on the path) read every page of the gallery."""
    add_seascapes(site_tree, range(5))
    statements, response = search_statements(
        client, {"collection": site_tree.coast.pk, "sort": "newest"}
    )
    assert response.context["paintings"].paginator.count == 5
    count, params = next((sql, p) for sql, p in statements if sql.startswith("SELECT COUNT(*)"))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}", params)
        plan = [row[3] for row in cursor.fetchall()]
    assert "SCAN wagtailcore_page" not in plan, plan


def test_the_collection_choice_builds_no_page_objects(client, site_tree):
    """A large gallery has hundreds of collections: the filter lists them from
    four columns, without making a page object of each (~20 ms a search)."""
    for number in range(5):
        CollectionPageFactory(parent=site_tree.gallery, title=f"Series {number}")
    made = []

    def count(sender, instance, **kwargs):
        made.append(instance)

    add_seascapes(site_tree, range(3))
    post_init.connect(count, sender=CollectionPage)
    try:
        response = client.get(SEARCH_URL, {"q": "sea"})
    finally:
        post_init.disconnect(count, sender=CollectionPage)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', response.content.decode())
    assert {"Coastal Light", "City Nights", "Series 0", "Series 4"} <= {t for _, t in options}
    assert made == []
    # Choosing one still filters by it.
    response = client.get(SEARCH_URL, {"collection": site_tree.city.pk})
    assert response.status_code == 200
    assert response.context["paintings"].paginator.count == 0


def test_a_page_drops_what_was_hidden_after_counting(site_tree):
    """The page is checked against the filters again when it loads (on SQLite,
    from the keys the count ranked): a painting unpublished since is not shown."""
    add_seascapes(site_tree, range(3))
    results = get_search_backend().search("sea", PaintingPage.objects.live().order_by())
    assert results.count() == 3
    PaintingPage.objects.get(title="Seascape 1").unpublish()
    assert {page.title for page in results[:24]} == {"Seascape 0", "Seascape 2"}


def test_scores_on_request_on_the_counted_path(site_tree):
    add_seascapes(site_tree, range(3))
    results = get_search_backend().search("sea", PaintingPage.objects.live().order_by())
    results = results.annotate_score("relevance")
    assert results.count() == 3
    page = list(results[:24])
    assert len(page) == 3
    assert all(isinstance(painting.relevance, float) for painting in page)
    # Every result, unsliced, after counting: the same results, best first.
    assert [painting.pk for painting in results] == [painting.pk for painting in page]


# --- PostgreSQL: the index is read first, through indexes that fit -------------------


def search_statements(client, params):
    """The SQL statements (with their parameters) of one search request."""
    client.get(SEARCH_URL, params)  # warm-up: renditions, today's hit row
    statements = []

    def record(execute, sql, sql_params, many, context):
        statements.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return statements, response


def plan_through_indexes(sql, sql_params):
    """PostgreSQL's plan for a statement when tables are read through indexes
    only (a tiny test table would otherwise be read whole, which is cheaper)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry, wagtailcore_page")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    return plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own full-text path")
def test_postgres_search_reads_the_index_first_through_its_indexes(client, site_tree):
    assert type(get_search_backend()).__name__ == "IndexFirstPostgresSearchBackend"
    add_seascapes(site_tree, range(30))
    for number in range(60):  # what the words don't match, the search must not read
        PaintingPageFactory(parent=site_tree.city, title=f"Street {number}", medium=site_tree.oil)
    statements, response = search_statements(client, {"q": "sea"})
    assert response.context["paintings"].paginator.count == 30
    assert len(titles(response)) == 24

    # Paintings counted and ranked in one statement (the page loads from its
    # keys, each match checked against the filters once), articles, other
    # pages; the counting starts from the matches, never from every painting.
    searches = [sql for sql, _ in statements if "@@" in sql]
    assert len(searches) == 3
    assert searches[0].startswith(
        'SELECT ("wagtailsearch_indexentry"."object_id")::integer AS "object_pk"'
        ' FROM "wagtailsearch_indexentry"'
    )
    assert "ORDER BY" in searches[0]

    # Wagtail matches on `title || body`: only the expression's own GIN index
    # (migration search 0001) finds the matches without reading every entry. The
    # statements match on that expression, and the index serves the match.
    words = re.compile(r'\((\S+)\."title" \|\| \1\."body"\) @@')
    assert all(words.search(sql) for sql in searches)
    compiler = get_search_backend().search("sea", PaintingPage.objects.visible()).query_compiler
    matching = compiler.matching_entries().values("pk").query.sql_with_params()
    assert "search_indexentry_words_gin" in plan_through_indexes(*matching)
    # Each painting's ancestors are looked up among unpublished pages only (the
    # partial index of migration search 0002), not in every page's row.
    visible = PaintingPage.objects.visible().values("pk").query.sql_with_params()
    assert "search_page_unpublished_path" in plan_through_indexes(*visible)


# --- the admin's searches keep Wagtail's own paths, on either database ---------------


def test_admin_page_searches_answer_on_either_database(client, corpus):
    """The explorer's search and its autocomplete build queries the index-first
    path leaves to Wagtail (field searches, prefix matching): both still answer."""
    client.force_login(UserFactory(username="artist", superuser=True))
    response = client.get("/admin/pages/search/", {"q": "harbour"})
    assert response.status_code == 200
    assert "Quiet Harbour" in response.content.decode()

    backend = get_search_backend()
    found = backend.autocomplete("harb", PaintingPage.objects.live())
    assert {page.title for page in found} == HARBOURS
