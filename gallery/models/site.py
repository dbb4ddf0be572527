"""The artist's site-wide settings and the list of media she extends."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.snippets.models import register_snippet


@register_snippet
class Medium(models.Model):
    """Oil, acrylic, watercolour, …: a list the artist extends in the admin."""

    name = models.CharField(max_length=80, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "media"

    def __str__(self):
        return self.name


@register_setting(icon="user")
class GallerySettings(BaseSiteSetting):
    artist_name = models.CharField(max_length=120, default="The Artist")
    tagline = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    instagram_url = models.URLField(blank=True)
    facebook_url = models.URLField(blank=True)
    pinterest_url = models.URLField(blank=True)
    footer_text = models.CharField(max_length=300, blank=True)
    # The pages a buyer must be able to find before paying (EU shops must show
    # returns terms and a privacy notice): linked from the footer, the cart and
    # every painting page.
    shipping_returns_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Printed on certificates of authenticity; a transparent PNG works best.
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Your signature, printed on certificates of authenticity.",
    )

    panels = [
        FieldPanel("artist_name"),
        FieldPanel("tagline"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("instagram_url"), FieldPanel("facebook_url"), FieldPanel("pinterest_url")],
            heading="Social links",
        ),
        FieldPanel("footer_text"),
        FieldPanel("signature_image"),
        MultiFieldPanel(
            [
                FieldPanel("shipping_returns_page"),
                FieldPanel("privacy_page"),
                FieldPanel("contact_page"),
            ],
            heading="Pages for buyers",
            help_text="Linked from the footer, the cart and every painting page.",
        ),
    ]

    class Meta:
        verbose_name = "gallery settings"

    @property
    def buyer_page_ids(self):
        """The ids of the pages for buyers, by role; unset ones left out."""
        roles = {
            "shipping_returns": self.shipping_returns_page_id,
            "privacy": self.privacy_page_id,
            "contact": self.contact_page_id,
        }
        return {role: page_id for role, page_id in roles.items() if page_id}

    @property
    def social_links(self):
        links = [
            ("Instagram", self.instagram_url),
            ("Facebook", self.facebook_url),
            ("Pinterest", self.pinterest_url),
        ]
        return [(name, url) for name, url in links if url]
