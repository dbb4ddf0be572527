"""Ids in Stripe's style: a type prefix and random alphanumerics (``cs_test_...``)."""

import secrets
import string

_ALNUM = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """An id in Stripe's style: a type prefix and random alphanumerics."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))
