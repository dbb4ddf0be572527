"""Wagtail's image tags as this project serves them (gallery.templatetags.shared_filter_images):
the same markup as Wagtail's own, with each rendition spec parsed once per process."""

import pytest
from django.template import Context, Template
from wagtail.images.models import Filter, Picture, ResponsiveImage

from gallery.templatetags import shared_filter_images
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db

CARD_TAG = (
    '{% picture image format-{webp,jpeg} width-{400,800} sizes="45vw" alt=title '
    'loading="lazy" class="card__image" %}'
)
CARDS = Template(
    "{% load shared_filter_images %}{% for image, title in cards %}" + CARD_TAG + "{% endfor %}"
)
CARD_SPECS = [
    "format-webp|width-400",
    "format-webp|width-800",
    "format-jpeg|width-400",
    "format-jpeg|width-800",
]


@pytest.fixture
def cards():
    images = [
        ImageFactory(title=f"Sea {n}", file__width=90 + n, file__height=60) for n in range(24)
    ]
    return [(image, f"Painting {n} <by the sea>") for n, image in enumerate(images)]


@pytest.fixture
def filter_work(monkeypatch):
    """Counts Filter objects made and spec parses (Filter.operations computed) while rendering."""
    counts = {"made": 0, "parsed": 0}
    make, parse = Filter.__init__, Filter.operations.func

    def counted_init(self, *args, **kwargs):
        counts["made"] += 1
        make(self, *args, **kwargs)

    def counted_parse(self):
        counts["parsed"] += 1
        return parse(self)

    monkeypatch.setattr(Filter, "__init__", counted_init)
    monkeypatch.setattr(Filter.operations, "func", counted_parse)
    return counts


def test_a_card_list_parses_no_rendition_spec_per_card(cards, filter_work):
    CARDS.render(Context({"cards": cards}))  # renditions made, filters built once
    filter_work.update(made=0, parsed=0)

    html = CARDS.render(Context({"cards": cards}))

    assert html.count("<picture>") == 24
    # Wagtail's own tag made 4 filters per card (96 a page) and parsed each one.
    assert filter_work == {"made": 0, "parsed": 0}


def test_the_markup_is_wagtails_own(cards):
    for image, title in cards[:3]:
        attrs = {"sizes": "45vw", "alt": title, "loading": "lazy", "class": "card__image"}
        wagtails = Picture(image.get_renditions(*CARD_SPECS), dict(attrs)).__html__()
        # Twice: made, then remembered.
        for _ in range(2):
            ours = CARDS.render(Context({"cards": [(image, title)]}))
            assert ours == wagtails
    assert "Painting 0 &lt;by the sea&gt;" in CARDS.render(Context({"cards": cards[:1]}))


def test_srcset_image_and_image_tags_too(cards):
    image, _ = cards[0]
    template = Template(
        "{% load shared_filter_images %}"
        '{% srcset_image image width-{400,800} sizes="50vw" alt="x" %}|{% image image fill-80x80 %}'
    )
    srcset, single = template.render(Context({"image": image})).split("|")
    renditions = image.get_renditions("width-400", "width-800")
    assert srcset == ResponsiveImage(renditions, {"sizes": "50vw", "alt": "x"}).__html__()
    assert single == image.get_rendition("fill-80x80").img_tag()
    assert "image_url" in shared_filter_images.register.tags  # the rest of Wagtail's library


def test_remembered_markup_follows_the_alt_text_and_the_renditions(cards):
    image, _ = cards[0]
    first = CARDS.render(Context({"cards": [(image, "Harbour")]}))
    assert CARDS.render(Context({"cards": [(image, "Harbour, evening")]})) != first
    assert 'alt="Harbour, evening"' in CARDS.render(
        Context({"cards": [(image, "Harbour, evening")]})
    )

    # A new focal point means new renditions (new files): the markup follows.
    image.renditions.all().delete()
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width = image.focal_point_height = 5
    image.save()
    again = CARDS.render(Context({"cards": [(image, "Harbour")]}))
    wagtails = Picture(
        image.get_renditions(*CARD_SPECS),
        {"sizes": "45vw", "alt": "Harbour", "loading": "lazy", "class": "card__image"},
    ).__html__()
    assert again == wagtails


def test_signed_rendition_urls_are_never_remembered(cards, monkeypatch):
    image, title = cards[0]
    CARDS.render(Context({"cards": [(image, title)]}))
    rendition = image.renditions.first()
    assert shared_filter_images.markup_key(Picture, {"x": rendition}, {}) is not None
    monkeypatch.setattr(type(rendition.file.storage), "querystring_auth", True, raising=False)
    assert shared_filter_images.markup_key(Picture, {"x": rendition}, {}) is None
