"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the
environment (see .env.example); the defaults here run the site on SQLite and
local files with nothing else to set up.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pgp_site.settings.csp import (  # noqa: F401 - settings, read by name
    CONTENT_SECURITY_POLICY,
    CONTENT_SECURITY_POLICY_ADMIN,
    CONTENT_SECURITY_POLICY_REPORT_ONLY,
)
from pgp_site.settings.environment import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "gallery",
    "shop",
    "certificates",
    "search",
    "buyers",
    "pgp_site",
    "pagecache",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before any other middleware does work for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed (a fifth of their size on a phone's slow link); above
    # the page cache, which stores them plain. Django pads the gzip header against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "pgp_site.middleware.ContentSecurityPolicyMiddleware",
    "pgp_site.hostile_input.RejectNulBytesMiddleware",
    # Before sessions, auth and Wagtail: a stored page is served without them.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shop.middleware.CartCountCookieMiddleware",
    "pgp_site.storage_errors.StorageErrorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks (it only passes the login form's answer on).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pgp_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "gallery.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "pgp_site.wsgi.application"

# SQLite by default; DATABASE_URL switches to PostgreSQL. Persistent
# connections with health checks so a dropped connection is replaced, not used.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
        ssl_require=env_bool("DATABASE_SSL_REQUIRE"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default queues concurrent writers instead of failing them:
    # every transaction takes the write lock when it begins (so a checkout
    # never fails half-way with "database is locked"), WAL lets readers go on
    # meanwhile, and a writer waits up to 20 s for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: the e-mail address is the login; verified before account features.
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (even the right password) of a locked account or
    # address. AxesBackend, not the standalone one: it can also load a signed-in
    # user (get_user), which whatever logs in with the first backend needs.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "3/10m/key",
    "reset_password": "5/h/ip,3/h/key",
    "change_email": "3/h/user",
}
# The adapter keeps the cart across logout and signs e-mails with the artist's name.
ACCOUNT_ADAPTER = "buyers.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "buyers.forms.LoginForm",
    "signup": "buyers.forms.SignupForm",
    "add_email": "buyers.forms.AddEmailForm",
    "change_password": "buyers.forms.ChangePasswordForm",
    "set_password": "buyers.forms.SetPasswordForm",
    "reset_password": "buyers.forms.ResetPasswordForm",
    "reset_password_from_key": "buyers.forms.ResetPasswordKeyForm",
}
LOGIN_REDIRECT_URL = "/account/"
WAGTAILADMIN_USER_LOGIN_FORM = "buyers.forms.AdminLoginForm"
# Wagtail's own reset form has no limit; the artist resets at /accounts/password/reset/.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Proxies in front of the app that append to X-Forwarded-For (Heroku's router: 1).
# Every per-address limit takes the client's address after them
# (pgp_site.client_ip); 0 ignores the header, which anyone can write.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Password guessing on every sign-in form (Wagtail's admin, allauth's): after
# 5 failures an account is locked for 15 minutes, and so, separately, is the
# client address. django-axes keeps the counts in the database (shared by all
# workers, incremented under a row lock). A lockout reads like a wrong
# password (buyers/lockout.py). `manage.py axes_reset_username <name>` unlocks.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "pgp_site.client_ip.client_ip_or_none"
AXES_USERNAME_CALLABLE = "buyers.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "buyers.lockout.lockout_response"
# Guesses during a lockout are refused, not stored: the lockout ends 15 minutes
# after the last counted failure, and a flood cannot grow the attempts table.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
LOGIN_URL = "/accounts/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or BASE_DIR / "media"
# Django itself serves MEDIA_ROOT when DEBUG is on, or when this is set with
# DEBUG off (`make audit` measures pages as production renders them). Never in
# production, where media comes from S3.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media on S3 (or any S3-compatible store) when a bucket is configured.
# Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the
# environment (or an instance role), never from settings.
#
# Originals are private: anyone holding one could print the painting. The
# default storage (original images under original_images/, documents under
# documents/) signs every URL and never uses the CDN; the admin shows them
# through URLs signed for AWS_QUERYSTRING_EXPIRE seconds, and Wagtail serves
# documents through its own view (which redirects to a signed URL after its
# privacy checks). Only renditions, under images/ in the same bucket, are
# public: the README's bucket policy lets anyone read that prefix and nothing
# else (pgp_site/storages.py keeps full-size renditions out of it).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
USE_AWS = env_bool("USE_AWS") or bool(AWS_STORAGE_BUCKET_NAME)
if USE_AWS:
    from botocore.config import Config

    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # MinIO, Cloudflare R2 and similar services; they usually want path-style.
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or None
    # Fail fast when the store is unreachable rather than hold a worker for a
    # minute of retries (pgp_site.storage_errors answers the request).
    AWS_S3_CLIENT_CONFIG = Config(
        s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
        signature_version="s3v4",
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard", "max_attempts": 3},
    )
    # How long a signed URL works (an original in the admin, a document).
    AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600"))
    AWS_S3_FILE_OVERWRITE = False
    # Leave access to the bucket policy (buckets created since 2023 refuse ACLs).
    AWS_DEFAULT_ACL = None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "querystring_auth": True,
            # A custom domain would make plain, unsigned URLs.
            "custom_domain": None,
            # Names are unique and never overwritten; no shared cache may keep them.
            "object_parameters": {"CacheControl": "private, max-age=31536000, immutable"},
        },
    }
    # Renditions: plain URLs a CDN can cache (AWS_S3_CUSTOM_DOMAIN) for a year,
    # as rendition names are unique. A bucket that must stay wholly private
    # signs these too with AWS_QUERYSTRING_AUTH=true (no CDN caching then).
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    STORAGES["renditions"] = {
        "BACKEND": "pgp_site.storages.RenditionStorage",
        "OPTIONS": {
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
    if AWS_S3_CUSTOM_DOMAIN:
        # Only renditions are served from it.
        MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/"

# "default" is shared by every worker and dyno, since rate limits count in it:
# Django's database cache (table made by `migrate`) unless REDIS_URL is set.
# Plenty of entries, so a flood of keys cannot cull the counters.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    DEFAULT_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Heroku Redis presents a self-signed certificate on rediss:// URLs.
        "OPTIONS": {"ssl_cert_reqs": None} if env_bool("REDIS_TLS_NO_VERIFY") else {},
    }
else:
    DEFAULT_CACHE = {
        "BACKEND": "pagecache.dbcache.DatabaseCache",
        "LOCATION": "pgp_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }

# Public pages kept whole in the "default" cache (pagecache/): seconds an
# entry lives at most; 0 turns the page cache off (e.g. to measure renders).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS") or 600)
# The page types stored (never form pages: they carry a CSRF token).
PAGE_CACHE_PAGE_TYPES = [
    "gallery.HomePage",
    "gallery.GalleryIndexPage",
    "gallery.CollectionPage",
    "gallery.PaintingPage",
    "gallery.JournalIndexPage",
    "gallery.ArticlePage",
    "gallery.StandardPage",
]
# Changes to these also make every stored page stale (pages, settings, images
# and sites always do; sale state through shop.services).
PAGE_CACHE_INVALIDATED_BY = [
    "gallery.Medium",
    "gallery.PrintProcess",
    "shop.ShippingRate",
    "taggit.Tag",
]
# When a stored page must go at the latest, whatever happens: a page showing
# "Reserved" must not outlive the reservation.
PAGE_CACHE_EXPIRES_BY = ["shop.services.earliest_reservation_end"]

# A CDN in front of the pages: Wagtail purges the URLs of what changed (Wagtail's
# backends, plus dropping everything at once: pagecache/frontend.py).
# FRONTEND_CACHE=cloudflare (CLOUDFLARE_BEARER_TOKEN, CLOUDFLARE_ZONEID) or
# cloudfront (CLOUDFRONT_DISTRIBUTION_ID; AWS credentials as for S3).
FRONTEND_CACHE = os.environ.get("FRONTEND_CACHE", "").strip().lower()
if FRONTEND_CACHE == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "pagecache.frontend.CloudflareBackend",
            "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
            "ZONEID": os.environ.get("CLOUDFLARE_ZONEID", ""),
        }
    }
elif FRONTEND_CACHE == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "pagecache.frontend.CloudfrontBackend",
            "DISTRIBUTION_ID": os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", ""),
        }
    }
elif FRONTEND_CACHE:
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE={FRONTEND_CACHE!r}: use cloudflare or cloudfront, or leave it unset."
    )

# Rendition lookups are the costliest part of an image-heavy page; Wagtail
# keeps them in this cache alias when it exists.
CACHES = {
    "default": DEFAULT_CACHE,
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gallery <shop@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SHOP_NOTIFY_EMAIL = os.environ.get("SHOP_NOTIFY_EMAIL", "")

# Wagtail
# The admin is titled "<artist's name> — WAGTAIL_SITE_NAME" (gallery_admin_tags).
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Gallery admin")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# search.backends: Wagtail's database search, with a SQLite path that scales.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "odt", "docx"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "gif": "gif", "webp": "webp"}
WAGTAILIMAGES_AVIF_QUALITY = 60
WAGTAILIMAGES_WEBP_QUALITY = 78
WAGTAILIMAGES_JPEG_QUALITY = 82
WAGTAIL_I18N_ENABLED = False
# No calls out of the admin: no update check, no Gravatar avatars.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Stripe. Without keys, development talks to the local stand-in (see README).
STRIPE_PUBLIC_KEY = os.environ.get("STRIPE_PUBLIC_KEY", "")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WH_SECRET = os.environ.get("STRIPE_WH_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Seconds to wait for one Stripe request (one retry follows a network error),
# and for all of a checkout's Stripe requests together: the whole checkout
# must end well inside gunicorn's 28 s, so the reservation is always released
# by the request that made it.
STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "8"))
STRIPE_CHECKOUT_BUDGET_SECONDS = float(os.environ.get("STRIPE_CHECKOUT_BUDGET_SECONDS", "15"))

# Checkouts each client address (and account) may start: "10/h", "30/d";
# "0" turns the limit off. A checkout reserves paintings, so a bot without a
# limit could hold the whole gallery.
SHOP_CHECKOUT_RATE = (os.environ.get("SHOP_CHECKOUT_RATE") or "10/h").strip()
if not re.fullmatch(r"0|[1-9]\d*/\d*[smhd]", SHOP_CHECKOUT_RATE):
    raise ImproperlyConfigured(
        f"SHOP_CHECKOUT_RATE={SHOP_CHECKOUT_RATE!r}: use a count per period such as "
        "10/h, 30/d or 5/15m, or 0 to turn the limit off."
    )
# What a buyer's account adds to a Stripe Checkout Session (a saved address):
# a function of the user, so the shop itself knows nothing of accounts.
SHOP_CHECKOUT_PARAMS = "buyers.stripe_customer.checkout_params_for"
# The country of a buyer's saved address, to prefill the cart's destination.
SHOP_BUYER_COUNTRY = "buyers.models.saved_country"
# And what one checkout, and one client address at a time, may hold: without
# these one request could reserve every painting ("0" turns a limit off).
SHOP_MAX_PAINTINGS_PER_CHECKOUT = int(os.environ.get("SHOP_MAX_PAINTINGS_PER_CHECKOUT") or 5)
# Prints in one checkout, each counted (5 of an edition are 5); "0" for no limit.
SHOP_MAX_PRINTS_PER_CHECKOUT = int(os.environ.get("SHOP_MAX_PRINTS_PER_CHECKOUT") or 20)
SHOP_OPEN_CHECKOUTS_PER_ADDRESS = int(os.environ.get("SHOP_OPEN_CHECKOUTS_PER_ADDRESS") or 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Routine task and page logs would drown what matters.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
