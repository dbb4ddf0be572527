"""How django-axes names an account, and what a locked-out visitor sees.

Axes counts failed sign-ins per account and per client address (settings:
`AXES_*`). Two things are the site's own:

- **One counter per account.** Wagtail's admin login sends a username (or, through
  allauth's backend, an e-mail address); allauth's login sends an e-mail address.
  Whatever was typed, the failures count against the account it names, so
  switching forms or letter case does not buy an attacker more guesses. A login
  that names no account is counted under what was typed, the same way.
- **A lockout looks like a wrong password.** While locked, axes refuses to
  authenticate even the right password, so the form shows its ordinary error,
  which says both things at once ("... don't match, or there have been too many
  attempts ..."). The response is the login form, status 200, byte for byte what a
  wrong password gets: nothing tells an attacker that the account is locked, or
  that a guess was right.
"""

from allauth.account.utils import filter_users_by_email
from django.contrib.auth import get_user_model
from django.http import HttpResponseForbidden
from django.http.response import HttpResponseBase

LOGIN_FAILED_MESSAGE = (
    "The e-mail address and password don't match, or there have been too many "
    "attempts to sign in. Check them and try again, or wait 15 minutes."
)
ADMIN_LOGIN_FAILED_MESSAGE = (
    "Your username and password didn't match, or there have been too many "
    "attempts to sign in. Check them and try again, or wait 15 minutes."
)

# Credentials keys and form fields that carry the login, by form:
# Django/Wagtail ("username"), allauth's backend call ("email"), allauth's form ("login").
LOGIN_KEYS = ("username", "email", "login")


def _typed_login(request, credentials):
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for key in LOGIN_KEYS:
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def account_for_login(login):
    """The account a typed login names, or None (no account, or not only one)."""
    User = get_user_model()
    users = User._default_manager.filter(**{User.USERNAME_FIELD: login})
    if len(users) == 1:
        return users[0]
    if "@" in login:
        users = filter_users_by_email(login)
        if len(users) == 1:
            return users[0]
    return None


def lockout_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the key failures are counted under for this login."""
    login = _typed_login(request, credentials)
    if login is None:
        return None
    account = account_for_login(login)
    if account is not None:
        return account.get_username()
    # Not an account: count what was typed, in one case, so "X@Y" and "x@y" share.
    return login.lower()[:255]


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: leave the login form's own answer as it is."""
    if isinstance(original_response, HttpResponseBase):
        return original_response
    # Only reached outside the sign-in forms (axes' async path); say as little.
    return HttpResponseForbidden(LOGIN_FAILED_MESSAGE)
