"""The client's address, as every per-address limit must count it.

Behind a platform's router (Heroku: one) the socket's peer is the router, so
every visitor would share one address. Each trusted proxy appends the address
it saw to X-Forwarded-For; anything to the left of what our own proxies wrote
came from the client and can say anything. So the client is the entry
`TRUSTED_PROXY_COUNT` places from the right, and with a count of 0 (no proxy,
the default) the header is ignored.

django-axes (`AXES_CLIENT_IP_CALLABLE`), allauth's rate limits (through the
account adapter) and the shop's limits all call `client_ip`, so they agree.
"""

import ipaddress

from django.conf import settings


def _address(value):
    """The address in canonical form, or None when `value` is not one."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


UNKNOWN = "unknown"


def client_ip(request):
    """The address of the client that sent `request`, as a string.

    `UNKNOWN` when there is none (a request made up in code): all such
    requests then share one count, which is the safe side for a limit.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer hops than proxies: the request skipped one of them; the
            # farthest recorded address is then the best there is.
            found = _address(hops[-count] if len(hops) >= count else hops[0])
            if found:
                return found
    return _address(remote) or UNKNOWN


def client_ip_or_none(request):
    """`client_ip`, or None when unknown: for columns typed as addresses (django-axes)."""
    address = client_ip(request)
    return None if address == UNKNOWN else address
