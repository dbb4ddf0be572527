"""System checks for `manage.py check --deploy`: settings a live shop cannot do without.

Production settings refuse to start without what the site needs to run at
all (SECRET_KEY, DEBUG off). Stripe's keys are different: without them the
gallery still works and only checkout and the webhook fail, at the first sale.
`check --deploy` says so before that happens.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_stripe_keys(app_configs, **kwargs):
    warnings = []
    secret_key = settings.STRIPE_SECRET_KEY
    if not secret_key:
        warnings.append(
            Warning(
                "STRIPE_SECRET_KEY is not set: checkout cannot create Stripe sessions.",
                hint="Set it to the secret key of the Stripe account (sk_live_...).",
                id="pgp.W001",
            )
        )
    elif secret_key.startswith(("sk_test_", "rk_test_")):
        warnings.append(
            Warning(
                "STRIPE_SECRET_KEY is a test-mode key: no payment will be real.",
                hint="Use the live key (sk_live_...), or silence pgp.W003 on a staging site.",
                id="pgp.W003",
            )
        )
    if not settings.STRIPE_WH_SECRET:
        warnings.append(
            Warning(
                "STRIPE_WH_SECRET is not set: every Stripe webhook will be rejected, "
                "so paid orders are only fulfilled when the buyer returns to the site.",
                hint="Copy the webhook endpoint's signing secret (whsec_...) from the "
                "Stripe dashboard; see README, 'Stripe webhook'.",
                id="pgp.W002",
            )
        )
    return warnings
