import re
import unicodedata
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from gallery.filters import PaintingFilterForm

# Long enough for any real search; keeps the query log's 255-character column
# and the full-text parser away from pasted essays.
MAX_QUERY_LENGTH = 200


def clean_query_text(value):
    """Drop control characters and collapse runs of whitespace (a URL with a
    NUL byte never gets here: pgp_site.hostile_input answers it with a 400)."""
    printable = "".join(" " if unicodedata.category(char) == "Cc" else char for char in value or "")
    return " ".join(printable.split())


def search_terms(query):
    """The words of a query, for the full-text backend.

    Punctuation carries no meaning in a painting's title or description, and
    quotes or semicolons are syntax to SQLite's FTS5 query parser (Wagtail
    passes them through), so only letters, digits and spaces go on.
    """
    return " ".join(re.sub(r"[^\w\s]+", " ", query).split())


class QuickSelect(forms.Select):
    """The same <select> as Django's, written in Python rather than through one
    template per option, and with the standard library's escaping rather than
    Django's lazy-aware helpers: the collection choice lists every collection
    (200 on a 10,000-painting site, ~45 ms a search through the option
    templates, ~5 ms through format_html)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 - every value escaped above


class SearchForm(PaintingFilterForm):
    q = forms.CharField(label="Search for", required=False)
    # "Available": the original, prints of it, or both ticked (a painting with either).
    available = forms.BooleanField(label="Original for sale", required=False)
    prints = forms.BooleanField(label="Prints available", required=False)

    field_order = ["q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query_was_shortened = False
        collection = self.fields.get("collection")
        if collection is not None:
            collection.widget = QuickSelect(
                attrs=collection.widget.attrs, choices=collection.choices
            )

    def clean_q(self):
        query = clean_query_text(self.cleaned_data["q"])
        if len(query) > MAX_QUERY_LENGTH:
            self.query_was_shortened = True
            query = query[:MAX_QUERY_LENGTH].rstrip()
        return query

    @property
    def active_filter_count(self):
        return super().active_filter_count + bool(self.filters.get("prints"))

    @property
    def notices(self):
        """What was changed or ignored in the request, in plain words."""
        notices = []
        if self.query_was_shortened:
            notices.append(
                f"Your search was long, so only its first {MAX_QUERY_LENGTH} characters were used."
            )
        return notices + self.ignored_value_messages
