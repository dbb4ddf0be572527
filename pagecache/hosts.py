"""Which host a page is kept under, and whether it is its Site's own."""

from django.conf import settings
from django.http.request import split_domain_port
from wagtail.models import Site


def host_of_its_site(request):
    """Whether the Host header names the Site that served the page, so that no bot
    fills the cache with one entry per variant (example.com:1 … :65535: Django's
    host check ignores the port, and the page's absolute URLs repeat it).

    The port must be none, the scheme's own, the Site's, or the one the server
    listens on (SERVER_PORT: a local server, the benchmark). The hostname must
    be the Site's, unless ALLOWED_HOSTS names every allowed host one by one.
    """
    site = Site.find_for_request(request)
    if site is None:
        return False
    domain, port = split_domain_port(request.get_host())
    default_port = "443" if request.is_secure() else "80"
    ports = {"", default_port, str(site.port), request.META.get("SERVER_PORT", "")}
    if port not in ports:
        return False
    if domain == site.hostname.lower().rstrip("."):
        return True
    return not any(host == "*" or host.startswith(".") for host in settings.ALLOWED_HOSTS)


def cache_host(request):
    """The host as one key whatever its case or trailing dot (Django accepts every such
    variant of an allowed host). The port stays: a Wagtail Site may be told apart by it,
    and its pages' canonical URLs carry it."""
    domain, port = split_domain_port(request.get_host())
    return f"{domain}:{port}" if port else domain
