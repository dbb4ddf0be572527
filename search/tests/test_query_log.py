"""The search-term log stays small: Wagtail's own garbage collector, run daily
(README, "Scheduled jobs"), drops old one-off queries."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

from search.views import log_query
from tests.factories import shop_tree

pytestmark = pytest.mark.django_db


def test_search_log_is_pruned_by_wagtails_garbage_collector():
    shop = shop_tree()
    for query in ("harbour", "bot-query-0001", "bot-query-0002", "sunset"):
        log_query(query)  # what the search page does for each new query
    SearchPromotion.objects.create(query=Query.get("sunset"), page=shop.paintings[0], sort_order=0)
    long_ago = timezone.now().date() - timedelta(days=30)
    QueryDailyHits.objects.exclude(query__query_string="harbour").update(date=long_ago)

    call_command("searchpromotions_garbage_collect", stdout=io.StringIO())

    # Recent searches and the artist's promoted queries stay; old one-off queries go.
    assert set(Query.objects.values_list("query_string", flat=True)) == {"harbour", "sunset"}
    assert QueryDailyHits.objects.filter(query__query_string="harbour").exists()
