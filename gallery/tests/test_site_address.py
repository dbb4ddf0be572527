"""`manage.py set_site_url`: production's way to make the site's own absolute URLs
(canonical, og:url, JSON-LD, sitemap) say the address it is served at."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from tests.factories import HomePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return HomePageFactory(site=True)


@pytest.mark.parametrize(
    ("url", "hostname", "port", "root"),
    [
        ("https://shop.example.com", "shop.example.com", 443, "https://shop.example.com/"),
        ("https://shop.example.com:443/", "shop.example.com", 443, "https://shop.example.com/"),
        ("http://gallery.test:8080", "gallery.test", 8080, "http://gallery.test:8080/"),
    ],
)
def test_the_sites_urls_follow_the_address_given(client, home, url, hostname, port, root):
    out = StringIO()
    call_command("set_site_url", url, stdout=out)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == (hostname, port)
    assert out.getvalue().strip() == f"The default site is now {root}"
    html = client.get("/", HTTP_HOST=f"{hostname}:{port}").content.decode()
    assert re.search(r'<link rel="canonical" href="([^"]+)"', html)[1] == root
    sitemap = client.get("/sitemap.xml", HTTP_HOST=f"{hostname}:{port}").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", sitemap)[0] == root


@pytest.mark.parametrize(
    "url",
    [
        "shop.example.com",
        "ftp://shop.example.com",
        "https://shop.example.com/shop/",
        "https://shop.example.com:8443",
        "https://user@shop.example.com",
        "http://shop.example.com:99999",
        "https://",
        "x" * 10_000,
    ],
)
def test_anything_but_a_site_address_is_refused_and_changes_nothing(home, url):
    with pytest.raises(CommandError):
        call_command("set_site_url", url)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)
