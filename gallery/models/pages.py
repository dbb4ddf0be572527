"""Standard pages (about, shipping & returns, privacy) and the contact form."""

from django import forms
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.mail import send_mail
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock
from ..query import VisiblePageManager
from .mixins import LiveRouteMixin, SeoMixin, StreamBodyMixin


class StandardPage(LiveRouteMixin, StreamBodyMixin, SeoMixin, Page):
    """About, shipping & returns, privacy, …"""

    objects = VisiblePageManager()

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["gallery.HomePage", "gallery.StandardPage"]
    subpage_types = ["gallery.StandardPage"]

    def get_meta_description(self):
        return self.search_description or self.intro


class ContactFormField(AbstractFormField):
    page = ParentalKey("gallery.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


HONEYPOT_FIELD = "website"


class HoneypotFormBuilder(FormBuilder):
    """Adds a field people never see; bots that fill every input fill it too.

    A drop-down starts on an empty "—": otherwise its first choice is preset,
    and every visitor who skips it answers it (an optional one is saved empty).
    """

    def create_dropdown_field(self, field, options):
        form_field = super().create_dropdown_field(field, options)
        form_field.choices = [("", "—"), *form_field.choices]
        return form_field

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        return form_class


class ContactPage(SeoMixin, AbstractEmailForm):
    """Commission enquiries: stored, and e-mailed to the artist."""

    objects = VisiblePageManager()

    form_builder = HoneypotFormBuilder

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="E-mail",
        ),
    ]

    parent_page_types = ["gallery.HomePage"]
    subpage_types = []
    max_count = 1

    def send_mail(self, form):
        """The artist's notification, with Reply-To: the visitor's address (the first
        e-mail field, validated by the form, so no header can be smuggled in)."""
        addresses = [address.strip() for address in self.to_address.split(",")]
        visitor = self.visitor_email(form)
        send_mail(
            self.subject,
            self.render_email(form),
            addresses,
            self.from_address,
            reply_to=[visitor] if visitor else None,
        )

    def visitor_email(self, form):
        for name, field in form.fields.items():
            if isinstance(field, forms.EmailField) and form.cleaned_data.get(name):
                return form.cleaned_data[name]
        return None

    def process_form_submission(self, form):
        if form.cleaned_data.get(HONEYPOT_FIELD):
            # Looks like a success to the bot; nothing is stored or sent.
            return None
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        form.fields.pop(HONEYPOT_FIELD, None)
        return super().process_form_submission(form)
