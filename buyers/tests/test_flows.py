"""Sign-up, sign-in, password reset, e-mail change and sign-out, through the
links in the e-mails the site sends, as a buyer would."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string

from tests.factories import PASSWORD, UserFactory
from tests.helpers import link_in_last_mail

pytestmark = pytest.mark.django_db


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def messages_in(response):
    return [str(m) for m in response.context["messages"]]


def test_sign_up_verify_by_emailed_link_and_land_signed_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Buyer@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    # allauth stores addresses in lower case.
    assert mail.outbox[0].to == ["new.buyer@example.com"]
    assert "Confirm your e-mail address" in mail.outbox[0].subject

    link = link_in_last_mail()
    confirm_page = client.get(path_of(link))
    assert confirm_page.status_code == 200
    assert "new.buyer@example.com" in confirm_page.content.decode()

    response = client.post(path_of(link), follow=True)
    user = get_user_model().objects.get(email__iexact="new.buyer@example.com")
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)
    assert response.redirect_chain[-1][0] == "/account/"
    page = response.content.decode()
    assert "Your account" in page
    assert "new.buyer@example.com" in page
    assert any("confirmed" in m for m in messages_in(response))


def test_sign_up_errors_are_shown_next_to_the_fields(client):
    UserFactory(email="taken@example.com", verified=True)
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "password1": "short", "password2": "different"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_email_error"' in page
    assert 'id="id_email_error"' in page
    assert "Enter a valid email address." in page
    assert signed_in_user_id(client) is None
    # The site's wording (buyers.forms), no placeholders repeating the labels.
    assert '<label for="id_email">E-mail address:</label>' in page
    assert 'placeholder="Email address"' not in page


def test_sign_up_with_a_taken_address_reveals_nothing_on_the_page(client, buyer):
    response = client.post(
        "/accounts/signup/",
        {"email": buyer.email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    # The same page as a new sign-up; only the address's owner learns more.
    assert "Check your inbox" in response.content.decode()
    assert mail.outbox[-1].to == [buyer.email]
    assert "exists already" in mail.outbox[-1].body
    assert "/accounts/password/reset/" in link_in_last_mail(to=buyer.email)
    assert get_user_model().objects.filter(email__iexact=buyer.email).count() == 1


def test_sign_in_with_an_unverified_address_is_refused_with_a_message(client):
    UserFactory(email="unverified@example.com", unverified=True)
    response = client.post(
        "/accounts/login/",
        {"login": "unverified@example.com", "password": PASSWORD},
        follow=True,
    )
    assert signed_in_user_id(client) is None
    page = response.content.decode()
    assert "Check your inbox" in page
    assert any("unverified@example.com" in m for m in messages_in(response))
    # ...and a fresh link went out, which does let the buyer in.
    link = link_in_last_mail(to="unverified@example.com")
    client.post(path_of(link))
    assert EmailAddress.objects.get(email="unverified@example.com").verified


def test_wrong_password_is_refused_with_a_message(client, buyer):
    response = client.post(
        "/accounts/login/", {"login": buyer.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    # The same words as a lockout (buyers/lockout.py): nothing tells them apart.
    assert "too many attempts to sign in" in response.content.decode()


def test_sign_in_by_email_lands_on_the_account(client, buyer):
    response = client.post(
        "/accounts/login/", {"login": "BUYER@example.com", "password": PASSWORD}, follow=True
    )
    assert signed_in_user_id(client) == str(buyer.pk)
    assert response.redirect_chain[-1][0] == "/account/"
    assert "You are signed in." in messages_in(response)
    # The username allauth keeps behind the scenes is never shown.
    assert buyer.username not in response.content.decode()


def test_password_reset_by_the_emailed_link(client, buyer):
    response = client.post("/accounts/password/reset/", {"email": buyer.email}, follow=True)
    assert "Check your inbox" in response.content.decode()
    link = link_in_last_mail(to=buyer.email)
    assert "/accounts/password/reset/key/" in link

    # allauth swaps the key from the URL into the session, then shows the form.
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    form_path = form_page.redirect_chain[-1][0]

    mismatch = client.post(
        form_path, {"password1": "brand-new-palette-7", "password2": "something-else-7"}
    )
    assert "aria-invalid" in mismatch.content.decode()

    done = client.post(
        form_path,
        {"password1": "brand-new-palette-7", "password2": "brand-new-palette-7"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    buyer.refresh_from_db()
    assert buyer.check_password("brand-new-palette-7")

    # The link is spent.
    again = client.get(path_of(link), follow=True)
    assert "Link not valid" in again.content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True
    )
    assert "Check your inbox" in response.content.decode()
    # The mail goes to the owner of the address, not to the page.
    assert mail.outbox[-1].to == ["nobody@example.com"]
    assert "there is no account" in mail.outbox[-1].body


def test_password_change_keeps_the_buyer_signed_in(client, buyer):
    client.force_login(buyer)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-it", "password1": "fresh-canvas-99", "password2": "fresh-canvas-99"},
    )
    page = wrong.content.decode()
    assert "Please type your current password." in page
    assert 'aria-describedby="id_oldpassword_helptext id_oldpassword_error"' in page

    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "fresh-canvas-99", "password2": "fresh-canvas-99"},
    )
    buyer.refresh_from_db()
    assert buyer.check_password("fresh-canvas-99")
    assert signed_in_user_id(client) == str(buyer.pk)


def test_email_change_takes_effect_after_verification(client, buyer):
    client.force_login(buyer)
    response = client.post(
        "/accounts/email/", {"email": "new-address@example.com", "action_add": ""}, follow=True
    )
    assert response.status_code == 200
    assert "waiting for confirmation" in response.content.decode()
    buyer.refresh_from_db()
    assert buyer.email == "buyer@example.com"  # unchanged until confirmed

    link = link_in_last_mail(to="new-address@example.com")
    client.post(path_of(link))

    buyer.refresh_from_db()
    assert buyer.email == "new-address@example.com"
    addresses = EmailAddress.objects.filter(user=buyer)
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        ("new-address@example.com", True, True)
    ]


def test_email_change_to_an_invalid_address_is_refused_with_a_message(client, buyer):
    client.force_login(buyer)
    response = client.post("/accounts/email/", {"email": "nope", "action_add": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert "Enter a valid email address." in page


def test_logout_asks_on_get_and_signs_out_on_post(client, buyer):
    client.force_login(buyer)
    page = client.get("/accounts/logout/")
    assert "Do you want to sign out?" in page.content.decode()
    assert signed_in_user_id(client) == str(buyer.pk)

    response = client.post("/accounts/logout/", follow=True)
    assert signed_in_user_id(client) is None
    assert "You are signed out." in messages_in(response)
    assert client.get("/account/").status_code == 302


def test_repeated_failed_logins_are_stopped_with_a_message(client, buyer):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": buyer.email, "password": "guessing"})
        assert "too many attempts to sign in" in response.content.decode()
    # Now even the right password is turned away, with the message a wrong one
    # gets (it says both), so a guesser cannot tell that the account is locked.
    response = client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "too many attempts to sign in" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_account_link_is_the_same_for_everyone(rf, buyer):
    # The header includes this template (includes/header.html); public pages are
    # cached, so it holds nothing of the visitor: the account page sends anyone
    # not signed in to sign in, and signing out is on the account pages.
    request = rf.get("/")
    request.user = AnonymousUser()
    anonymous = render_to_string("includes/account_link.html", request=request)
    request.user = buyer
    assert render_to_string("includes/account_link.html", request=request) == anonymous
    assert 'href="/account/">Account</a>' in anonymous
    assert "csrfmiddlewaretoken" not in anonymous


def test_account_pages_sign_out_and_the_account_link_signs_in(client, buyer):
    response = client.get("/account/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    client.force_login(buyer)
    page = client.get("/account/").content.decode()
    assert 'method="post" action="/accounts/logout/"' in page
    assert "Sign out" in page
