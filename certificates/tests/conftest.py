# The shop's fixtures: a gallery with paintings for sale, and the Stripe stand-in.
from shop.tests.conftest import shop, standin  # noqa: F401
