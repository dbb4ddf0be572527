"""What the demo's pages say, apart from the paintings themselves.

Pure data, no Django: the field values of the home, gallery, journal,
standard and contact pages, the journal's articles and their StreamField
bodies, the contact form's fields and the site settings. Pictures the pages
need (the hero, covers, the artist's portrait) are described here and painted
by the builder; bodies that show a picture are functions of it.
"""

from html import escape

from .content import ARTIST_EMAIL, ARTIST_NAME, CITY, GARDEN, PORTRAIT, SEA, STILL_LIFE
from .pictures import FULL_LONG_SIDE


def paragraphs(*texts):
    """Rich text: one <p> per text, escaped."""
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


# (width px, height px, palette, seed, title, file name) of pictures that are no painting's.
# The hero is a city night: the featured series below it is the sea, so the home
# page's first screens show two different kinds of painting.
HERO_PICTURE = (
    FULL_LONG_SIDE,
    800,
    CITY,
    1,
    "Wide view of a city at night in dark blues and ambers, lit windows over a river",
    "hero-city-nights.jpg",
)
PORTRAIT_PICTURE = (
    1200,
    FULL_LONG_SIDE,
    PORTRAIT,
    900,
    f"Portrait of {ARTIST_NAME} in the studio, painted in muted greens",
    "about-portrait.jpg",
)
JOURNAL_COVERS = [
    (FULL_LONG_SIDE, 1000, palette, 500 + i, title, name)
    for i, (palette, title, name) in enumerate(
        [
            (SEA, "A grey Atlantic morning, painted on the beach", "journal-atlantic.jpg"),
            (STILL_LIFE, "Brushes and paint tubes on the studio table", "journal-studio.jpg"),
            (GARDEN, "The garden behind the studio in early summer", "journal-garden.jpg"),
            (CITY, "Lisbon rooftops at dusk", "journal-lisbon.jpg"),
        ]
    )
]

HOME = {
    "title": "Home",
    "slug": "home",
    "seo_title": f"{ARTIST_NAME} — paintings of sea, gardens and cities at night",
    "search_description": (
        f"Original paintings by {ARTIST_NAME}: seascapes, gardens and city "
        "nights in oil, acrylic and watercolour. Buy originals online."
    ),
    "hero_heading": "Paintings of the sea, gardens and the city at night",
    "hero_text": (
        "Original oils, acrylics and watercolours, painted in a small studio "
        "in Valencia and shipped insured across Europe and beyond."
    ),
    "hero_cta_text": "Browse the gallery",
}
GALLERY_INDEX = {
    "title": "Gallery",
    "slug": "gallery",
    "show_in_menus": True,
    "intro": paragraphs("Every painting on this site is an original, one of a kind."),
    "search_description": (
        f"All collections by {ARTIST_NAME}: seascapes, gardens, city nights "
        "and more. Original paintings for sale."
    ),
}
JOURNAL_INDEX = {
    "title": "Journal",
    "slug": "journal",
    "show_in_menus": True,
    "intro": paragraphs("Notes from the studio: work in progress, materials, exhibitions."),
    "search_description": (
        f"The studio journal of {ARTIST_NAME}: how the paintings are made, "
        "materials, travels and exhibitions."
    ),
}

# (title, intro, tags); the first article is dated ARTICLES_START, then one every 41 days.
ARTICLES = [
    (
        "Painting the Atlantic in winter",
        "Why I carry an easel to the beach in January, and what cold does to oil paint.",
        ["sea", "process"],
    ),
    (
        "Inside the studio: the materials I trust",
        "Linen or cotton, which whites, and the three brushes I would save in a fire.",
        ["studio", "materials"],
    ),
    (
        "How a garden series began",
        "A borrowed key, a neglected garden and a year of painting the same wall.",
        ["garden", "process"],
    ),
    (
        "Notes from an exhibition in Lisbon",
        "Twelve paintings, one small gallery by the river, and what the visitors said.",
        ["city", "exhibition"],
    ),
]
ARTICLES_START = (2025, 1, 18)
ARTICLE_INTERVAL_DAYS = 41


def article_body(cover, painting):
    """Every block type except embed (the demo never touches the network)."""
    return [
        (
            "paragraph",
            paragraphs(
                "Most of my paintings start outdoors, with a small board and a limited "
                "palette, and end months later in the studio.",
                "This is a short note on how that happens, and what I learned this time.",
            ),
        ),
        ("heading", {"text": "Starting outside", "level": "h2"}),
        (
            "paragraph",
            paragraphs(
                "Light changes every few minutes, so the first hour is about big shapes "
                "and the relation between a few colours, not detail."
            ),
        ),
        ("image", {"image": cover, "caption": cover.title}),
        (
            "quote",
            {
                "text": "Paint what you see, not what you know is there.",
                "attribution": "Advice from my first teacher",
            },
        ),
        ("heading", {"text": "Finishing in the studio", "level": "h3"}),
        (
            "paragraph",
            paragraphs(
                "Back in the studio the painting has to stand on its own. The one below "
                "came out of this process and is in the gallery now."
            ),
        ),
        ("painting", {"painting": painting}),
    ]


def standard_pages(portrait):
    """About (with the artist's portrait), shipping & returns, and privacy."""
    return [
        {
            "title": "About",
            "slug": "about",
            "show_in_menus": True,
            "intro": f"{ARTIST_NAME} paints the sea, gardens and cities at night.",
            "search_description": (
                f"About {ARTIST_NAME}, painter in Valencia: training, exhibitions and "
                "how to commission a painting."
            ),
            "body": [
                (
                    "paragraph",
                    paragraphs(
                        f"{ARTIST_NAME} studied fine art in Valencia and has painted full "
                        "time since 2015. Her work is in private collections in Spain, "
                        "Portugal, France and the United Kingdom."
                    ),
                ),
                ("image", {"image": portrait, "caption": "Self-portrait in the studio"}),
                ("heading", {"text": "Commissions", "level": "h2"}),
                (
                    "paragraph",
                    # A link by address: the contact page is built after this one.
                    "<p>I take a few commissions each year, usually of places that matter "
                    f'to the people who ask. Write to me through <a href="/{CONTACT["slug"]}/">'
                    "the contact page</a>.</p>",
                ),
            ],
        },
        {
            "title": "Shipping & returns",
            "slug": "shipping-returns",
            "intro": "How paintings travel, what it costs, and how to return one.",
            "search_description": (
                "Shipping costs and times for original paintings, insurance, and the "
                "14-day return policy."
            ),
            "body": [
                ("heading", {"text": "Shipping", "level": "h2"}),
                (
                    "paragraph",
                    paragraphs(
                        "Every painting is wrapped in acid-free paper, boxed with corner "
                        "protectors and sent by insured courier within three working days.",
                        "Europe: 45 EUR. Worldwide: 120 EUR. You can also collect it from "
                        "the studio in Valencia for free.",
                    ),
                ),
                ("heading", {"text": "Returns", "level": "h2"}),
                (
                    "paragraph",
                    paragraphs(
                        "If a painting is not right for you, send it back within 14 days "
                        "of delivery in its original packaging for a full refund of the "
                        "painting's price."
                    ),
                ),
            ],
        },
        {
            "title": "Privacy",
            "slug": "privacy",
            "intro": "What this site stores about you, and why.",
            "search_description": (
                "Privacy policy: what personal data the gallery keeps for orders and "
                "enquiries, and how to have it deleted."
            ),
            "body": [
                (
                    "paragraph",
                    paragraphs(
                        "When you buy a painting we keep your name, e-mail and delivery "
                        "address to send it and for our accounts. Payments are handled by "
                        "Stripe; card details never reach this site.",
                        "Messages sent through the contact form are kept for one year. "
                        "Write to us to see or delete what we hold about you.",
                    ),
                ),
            ],
        },
    ]


CONTACT = {
    "title": "Commissions & contact",
    "slug": "contact",
    "show_in_menus": True,
    "intro": paragraphs(
        "Ask about a painting, a commission or a studio visit. I answer within a few days."
    ),
    "thank_you_text": paragraphs("Thank you for your message. I will reply within a few days."),
    "to_address": ARTIST_EMAIL,
    "from_address": ARTIST_EMAIL,
    "subject": "New message from the gallery website",
    "search_description": (
        f"Contact {ARTIST_NAME} about a painting, a commission or a studio visit."
    ),
}
# (label, field type, required, choices)
CONTACT_FORM_FIELDS = [
    ("Your name", "singleline", True, ""),
    ("Your e-mail", "email", True, ""),
    ("Message", "multiline", True, ""),
    (
        "Budget",
        "dropdown",
        False,
        "Under €500\n€500 to €1,500\n€1,500 to €3,000\nOver €3,000\nNot sure yet",
    ),
]

GALLERY_SETTINGS = {
    "artist_name": ARTIST_NAME,
    "tagline": "Paintings of the sea, gardens and the city at night",
    "contact_email": ARTIST_EMAIL,
    "instagram_url": "https://www.instagram.com/paulagperez.studio/",
    "facebook_url": "https://www.facebook.com/paulagperez.studio",
    "pinterest_url": "https://www.pinterest.com/paulagperez/",
    # The footer adds the copyright line itself; this text must not repeat it.
    "footer_text": (
        "Original paintings from a small studio in Valencia. Studio visits by appointment; "
        "please ask before reproducing any image."
    ),
}
