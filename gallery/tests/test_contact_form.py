"""The contact form: an optional drop-down is not answered for the visitor, and the
artist's notification can be answered straight back to the visitor."""

import re

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from gallery.models import ContactFormField
from tests.factories import ContactPageFactory, HomePageFactory

pytestmark = pytest.mark.django_db

BUDGETS = "Under €500\n€500 to €1,500\nOver €1,500"


@pytest.fixture
def contact():
    return ContactPageFactory(
        parent=HomePageFactory(site=True),
        from_address="site@example.com",
        subject="Commission enquiry",
        form_fields=[
            ContactFormField(label="Name", field_type="singleline", required=True),
            ContactFormField(label="E-mail", field_type="email", required=True),
            ContactFormField(label="Message", field_type="multiline", required=True),
            ContactFormField(
                label="Budget", field_type="dropdown", required=False, choices=BUDGETS
            ),
        ],
    )


def enquiry(**fields):
    return {"name": "Ana", "e_mail": "ana@example.com", "message": "A sea, 80 x 60?", **fields}


def test_the_budget_starts_empty_and_is_saved_empty_when_skipped(client, contact):
    html = client.get(contact.url).content.decode()
    select = re.search(r'<select name="budget".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    assert options[0][0] == "" and options[0][2] == "—"
    assert [label for _, _, label in options[1:]] == BUDGETS.split("\n")
    assert not any("selected" in attrs for _, attrs, _ in options[1:])

    client.post(contact.url, enquiry())  # a browser sends the empty choice as ""
    client.post(contact.url, enquiry(budget=""))

    assert [s.get_data()["budget"] for s in FormSubmission.objects.all()] == ["", ""]


def test_a_chosen_budget_is_kept_and_a_forged_one_refused(client, contact):
    client.post(contact.url, enquiry(budget="Over €1,500"))
    assert FormSubmission.objects.get().get_data()["budget"] == "Over €1,500"

    forged = client.post(contact.url, enquiry(budget="A million"))
    assert "Select a valid choice" in forged.content.decode()
    assert FormSubmission.objects.count() == 1


def test_the_artists_notification_replies_to_the_visitor(client, contact):
    client.post(contact.url, enquiry(e_mail="  ana@example.com "))

    [message] = mail.outbox
    assert message.to == ["artist@example.com"]
    assert message.reply_to == ["ana@example.com"]
    assert message.message()["Reply-To"] == "ana@example.com"
    assert message.from_email == "site@example.com"


@pytest.mark.parametrize(
    "address",
    [
        "a@b.c\nBcc: x@y.z",
        "a@b.c\r\nBcc: x@y.z",
        "a@b.c,x@y.z",
        "Ana <a@b.c>",
        "a@b.c%0ABcc:x@y.z",
    ],
)
def test_a_header_injection_gets_a_form_error_and_sends_nothing(client, contact, address):
    response = client.post(contact.url, enquiry(e_mail=address))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert mail.outbox == []
    assert FormSubmission.objects.count() == 0
