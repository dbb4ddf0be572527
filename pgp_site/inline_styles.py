"""Stylesheets sent inside the page's <head> instead of linked.

On a phone's first visit a linked stylesheet costs a round trip before anything
is drawn; inlined, the page's own (compressed) response carries it. Only the
files named in INLINED may be inlined: the Content-Security-Policy of public
pages allows exactly their SHA-256 hashes (pgp_site.middleware), so a stored
page (pagecache) needs no per-response nonce, and nothing else inline runs.

The CSS is read from the static files, comments and indentation dropped, and
its relative url()s (fonts) pointed at the static URLs the storage gives them
(hashed in production), which {% static %} in <link rel="preload"> matches.
"""

import base64
import hashlib
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

INLINED = ("css/site.css", "css/painting.css")

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
RELATIVE_URL = re.compile(r"""url\((["']?)(?![a-z]+:|/|#)([^"')]+)\1\)""")


@dataclass(frozen=True)
class InlineStylesheet:
    css: str
    csp_source: str  # 'sha256-…' of exactly the text between <style> and </style>


def stylesheet(path):
    """The stylesheet at this static path, ready to inline (read once unless DEBUG)."""
    if path not in INLINED:
        raise ValueError(f"{path} is not in pgp_site.inline_styles.INLINED")
    return _read(path) if settings.DEBUG else _cached(path)


def csp_sources():
    return [stylesheet(path).csp_source for path in INLINED]


def _read(path):
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"no static file {path}")
    css = minified(Path(found).read_text(encoding="utf-8"))

    def absolute(match):
        quote, target = match.groups()
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        return f"url({quote}{static(target)}{quote})"

    css = RELATIVE_URL.sub(absolute, css)
    if "</" in css:  # would end the <style> element early
        raise ValueError(f"{path} contains '</'")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return InlineStylesheet(css, f"'sha256-{digest}'")


_cached = cache(_read)


def minified(css):
    """Without comments, indentation and blank lines: the same rules, fewer bytes to parse."""
    lines = (line.strip() for line in COMMENT.sub("", css).splitlines())
    return "\n".join(line for line in lines if line)
