"""How a public page travels to a phone: its stylesheets inline under a hash-based
Content-Security-Policy, and the page itself compressed (also from the page cache).

Chromium applying the inlined CSS under that policy (no violation, both web fonts
loaded once) is checked by gallery/tests/test_layout_browser.py and
tests/test_production.py.
"""

import base64
import gzip
import hashlib
import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from pgp_site import inline_styles

pytestmark = pytest.mark.django_db

STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
PRELOADED_FONT = re.compile(r'<link rel="preload" href="([^"]+\.woff2)" as="font"')


def style_sources(response):
    policy = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
    )
    return policy["style-src"]


def sha256_source(text):
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_the_painting_page_inlines_its_stylesheets_and_the_policy_allows_exactly_them(shop):
    response = Client().get(shop.paintings[0].url)
    html = response.content.decode()

    styles = STYLE.findall(html)
    assert len(styles) == 2  # site.css, painting.css
    assert ":root" in styles[0] and ".painting" in styles[1]
    assert 'rel="stylesheet" href="/static/css/site.css"' not in html
    assert 'href="/static/css/painting.css"' not in html
    sources = style_sources(response)
    for style in styles:
        assert sha256_source(style) in sources
    assert "'unsafe-inline'" not in sources


def test_inlined_fonts_are_the_preloaded_files(shop):
    """The inlined @font-face URLs are absolute and the very files preloaded, so each
    font is fetched once (a relative url() would resolve against the page's path)."""
    html = Client().get(shop.paintings[0].url).content.decode()

    site_css = STYLE.findall(html)[0]
    preloaded = PRELOADED_FONT.findall(html)
    assert len(preloaded) == 2
    for href in preloaded:
        assert f'url("{href}")' in site_css
    assert "../fonts" not in site_css
    assert "/*" not in site_css  # comments stay in the source file


def test_a_stored_page_keeps_matching_the_policy(shop):
    url = shop.paintings[0].url
    Client().get(url)
    hit = Client().get(url)

    assert hit["X-Page-Cache"] == "hit"
    styles = STYLE.findall(hit.content.decode())
    assert len(styles) == 2
    for style in styles:
        assert sha256_source(style) in style_sources(hit)


def test_a_release_with_new_static_files_stores_its_pages_afresh(shop, monkeypatch):
    """The manifest hash changes when any static file does: pages stored before the
    release carry the old stylesheets, which the new policy no longer allows."""
    url = shop.paintings[0].url
    staticfiles_storage.exists("css/site.css")  # sets the lazy storage up
    storage = staticfiles_storage._wrapped
    monkeypatch.setattr(storage, "manifest_hash", "before", raising=False)
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    monkeypatch.setattr(storage, "manifest_hash", "after", raising=False)
    assert Client().get(url)["X-Page-Cache"] != "hit"
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_the_admin_policy_gets_no_hash(client):
    """A hash in style-src would switch the admin's 'unsafe-inline' off."""
    sources = style_sources(client.get("/admin/login/"))
    assert "'unsafe-inline'" in sources
    assert not [source for source in sources if source.startswith("'sha256-")]


def test_only_the_listed_stylesheets_can_be_inlined():
    with pytest.raises(ValueError, match="not in"):
        inline_styles.stylesheet("css/cart.css")


def test_pages_are_compressed_for_browsers_that_ask_and_stored_plain(shop):
    url = shop.paintings[0].url
    plain = Client().get(url)
    assert plain["X-Page-Cache"] == "miss"
    assert "Content-Encoding" not in plain

    compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Page-Cache"] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 3
    assert gzip.decompress(compressed.content) == plain.content

    # The entry itself stays plain: a client that cannot decompress gets it plain.
    again = Client().get(url)
    assert again["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in again
    assert again.content == plain.content
