"""One settings module; every knob comes from the environment (see README, "Configuration").

Required values that are missing or malformed stop start-up with a sentence saying how to fix them.
"""

import ipaddress
import re
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from connections.crypto import EncryptionKeyError, Keyring

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The development quick start writes .env once (`make run`); production sets real variables.
_env_file = Path(env.str("WEAVZ_ENV_FILE", default=str(BASE_DIR / ".env")))
if _env_file.is_file():
    environ.Env.read_env(_env_file)


def _required(name: str, how: str) -> str:
    value: str = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. {how}")
    return value


SECRET_KEY = _required(
    "SECRET_KEY",
    "Set it to a long random string, e.g. "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

_KEY_HOW = "Generate one with `python manage.py generate_encryption_key` and set ENCRYPTION_KEY."
try:
    ENCRYPTION_KEYRING = Keyring.from_config(
        _required("ENCRYPTION_KEY", _KEY_HOW), env.str("ENCRYPTION_KEYS_PREVIOUS", default="")
    )
except EncryptionKeyError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# /readyz also runs these, imported by dotted path so weavz.api depends on no app. The stored-kid
# check is a table scan, so each process repeats it at most every READINESS_KIDS_TTL_SECONDS.
READINESS_CHECKS = ["connections.checks.stored_keys_ready"]
READINESS_KIDS_TTL_SECONDS = env.int("READINESS_KIDS_TTL_SECONDS", default=60)

INSTALLED_APPS = [
    "weavz.admin_site.WeavzAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "orgs",
    "connections",
    "policies",
    "oauth",
    "actions",
    "webhooks",
    "connect",
]

# API requests (/api/v1/) leave the chain at ApiDispatchMiddleware for their view; what follows
# it (static files, sessions, CSRF, users, messages) is the site's: the console, the connect
# pages, the docs.
MIDDLEWARE = [
    "weavz.api.middleware.RequestIdMiddleware",
    "weavz.api.logging.AccessLogMiddleware",
    "weavz.api.middleware.JsonErrorsMiddleware",
    "weavz.api.throttling.FailedAuthThrottleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "weavz.api.middleware.BodySizeLimitMiddleware",
    "weavz.api.middleware.NulCharacterMiddleware",
    "weavz.api.middleware.ApiDispatchMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "weavz.urls"
API_URLCONF = "weavz.api_urls"  # the routes under /api/v1/ (weavz.api.middleware)
WSGI_APPLICATION = "weavz.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if _database_url.split("://", 1)[0] not in environ.Env.DB_SCHEMES or "://" not in _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL is malformed. Use e.g. postgres://user:pass@host:5432/dbname "
        "or sqlite:////absolute/path/db.sqlite3."
    )
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A health check ("SELECT 1") turns a dropped connection into a reconnect instead of one failed
# request. Django's runs on every request; ours (weavz.db.postgresql) only on a connection idle
# for more than HEALTH_CHECK_IDLE_SECONDS, so a busy connection pays no extra round trip.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "weavz.db.postgresql"
    DATABASES["default"]["HEALTH_CHECK_IDLE_SECONDS"] = env.float(
        "HEALTH_CHECK_IDLE_SECONDS", default=1.0
    )
# The fixed statements of the hot reads (weavz/api/sql.py) are prepared once per connection on
# PostgreSQL. Turn off behind a transaction-pooling PgBouncer older than 1.21.
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
_on_postgres = DATABASES["default"]["ENGINE"] == "weavz.db.postgresql"
if PREPARED_STATEMENTS and _on_postgres:
    # Django leaves psycopg's preparing off (None). Any number turns it on; only those fixed
    # statements ask for it, as the ORM's client-side-binding cursors never prepare.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE avoids "database is locked"
    # upgrade deadlocks between concurrent write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Background jobs (weavz/jobs.py): procrastinate on PostgreSQL; on SQLite (the quick start) jobs run
# in-process after commit and periodic jobs in `manage.py run_jobs`.
JOBS_BACKEND = env.str("JOBS_BACKEND", default="procrastinate" if _on_postgres else "thread")
if JOBS_BACKEND not in ("procrastinate", "thread"):
    raise ImproperlyConfigured("JOBS_BACKEND must be `procrastinate` or `thread`.")
if JOBS_BACKEND == "procrastinate":
    if not _on_postgres:
        raise ImproperlyConfigured(
            "JOBS_BACKEND=procrastinate needs PostgreSQL: set DATABASE_URL=postgres://… "
            "or JOBS_BACKEND=thread."
        )
    INSTALLED_APPS.insert(INSTALLED_APPS.index("orgs"), "procrastinate.contrib.django")
# Succeeded jobs are deleted at once; failed ones stay for operators to see in the console.
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}
# Modules declaring jobs besides each app's `tasks` module (tests declare their own).
PROCRASTINATE_IMPORT_PATHS = env.list("JOBS_IMPORT_PATHS", default=[])

_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
CACHES = {
    "default": env.cache_url_config(_cache_url)
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files once `collectstatic` has run (Docker image, production);
        # plain files served from the apps' folders otherwise (quick start, tests).
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (quick start, tests) whitenoise serves straight from the finders, and
# its warning that STATIC_ROOT does not exist yet is expected.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# Request bodies above this are answered 413 PAYLOAD_TOO_LARGE before any parsing.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

# Where browsers and providers reach this service (OAuth redirect URIs, connect links).
PUBLIC_URL = env.str("PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
if not re.match(r"^https?://[^/?#\s]+(/[^?#\s]*)?$", PUBLIC_URL):
    raise ImproperlyConfigured(
        f"PUBLIC_URL={PUBLIC_URL!r} is malformed: use e.g. https://weavz.example.com."
    )

# OAuth2 token refresh (oauth/refresh.py; README "Token refresh"): tokens expiring within the
# margin are refreshed before use and by the sweep; failures retried with back-off turn the
# connection ERROR after the give-up window. A token request gets REFRESH_TIMEOUT_SECONDS; callers
# waiting for another's refresh of the same connection wait at most that plus 5 seconds.
REFRESH_MARGIN_SECONDS = env.int("REFRESH_MARGIN_SECONDS", default=900)
REFRESH_GIVE_UP_HOURS = env.float("REFRESH_GIVE_UP_HOURS", default=72.0)
REFRESH_TIMEOUT_SECONDS = env.float("REFRESH_TIMEOUT_SECONDS", default=10.0)
if REFRESH_MARGIN_SECONDS < 0 or REFRESH_GIVE_UP_HOURS <= 0 or REFRESH_TIMEOUT_SECONDS <= 0:
    raise ImproperlyConfigured(
        "REFRESH_MARGIN_SECONDS must be 0 or more, REFRESH_GIVE_UP_HOURS and "
        "REFRESH_TIMEOUT_SECONDS more than 0."
    )

ADMIN_PATH = env.str("ADMIN_PATH", default="admin/").strip("/") + "/"

# Behind a TLS-terminating proxy (see README "Deploying"): trust its X-Forwarded-Proto.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# CORS is closed: nothing here sends Access-Control-* headers, so browsers refuse cross-origin
# reads. The API is for servers holding a bearer key; a browser app calls its own backend.

# Rate limits (weavz/api/throttling.py): per API key, reads and writes budgeted separately;
# "anon" is per client IP for unauthenticated requests and failed authentication. Empty = off.
_RATE = r"^\s*$|^\d+/\d*(s|sec|second|m|min|minute|h|hour|d|day)$"
THROTTLE_RATES = {
    "read": env.str("THROTTLE_READ_RATE", default="6000/min"),
    "write": env.str("THROTTLE_WRITE_RATE", default="1200/min"),
    "anon": env.str("THROTTLE_ANON_RATE", default="600/min"),
    # Failed console sign-ins, per client IP and per username (weavz/console_login.py).
    "login": env.str("THROTTLE_LOGIN_RATE", default="10/15min"),
    # Per client IP on the connect pages (token exchange, form posts, OAuth callback).
    "connect": env.str("THROTTLE_CONNECT_RATE", default="60/min"),
}
for _scope, _rate in THROTTLE_RATES.items():
    if not re.match(_RATE, _rate):
        raise ImproperlyConfigured(
            f"THROTTLE_{_scope.upper()}_RATE={_rate!r} is malformed: use e.g. 6000/min, 100/s, "
            "50000/hour, or leave it empty to switch that limit off."
        )

# Outgoing calls (weavz/egress.py). Loopback, private, link-local, CGNAT and metadata addresses
# are refused unless a network listed here holds them (tests and the benchmark: 127.0.0.0/8).
EGRESS_ALLOWED_NETWORKS = env.list("EGRESS_ALLOWED_NETWORKS", default=[])
for _cidr in EGRESS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_cidr.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"EGRESS_ALLOWED_NETWORKS holds {_cidr!r}, which is not a network: use CIDRs "
            "separated by commas, e.g. 10.1.0.0/16,fd00::/8."
        ) from None
EGRESS_TIMEOUT_SECONDS = env.float("EGRESS_TIMEOUT_SECONDS", default=30.0)
EGRESS_MAX_RESPONSE_BYTES = env.int("EGRESS_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024)
if EGRESS_TIMEOUT_SECONDS <= 0 or EGRESS_MAX_RESPONSE_BYTES <= 0:
    raise ImproperlyConfigured(
        "EGRESS_TIMEOUT_SECONDS and EGRESS_MAX_RESPONSE_BYTES must be positive numbers."
    )

# Webhook delivery (webhooks/delivery.py): each attempt waits this long for the receiver's answer.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=15.0)
if WEBHOOK_TIMEOUT_SECONDS <= 0:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT_SECONDS must be a positive number of seconds.")
# Finished deliveries (and their events and attempts) are purged after this many days.
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=30)
if WEBHOOK_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOK_RETENTION_DAYS must be a whole number of days, 1 or more.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["orgs.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["orgs.auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["weavz.api.parsers.JSONParser"],
    # Lists page and filter through their app's selectors (weavz.api.pagination, .filters).
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PAGINATION_CLASS": None,
    # OPTIONS is not an API method (405): DRF's metadata would describe serializers we do not use.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "weavz.api.negotiation.JsonOnly",
    "EXCEPTION_HANDLER": "weavz.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",  # weavz.api.render.ISO_FORMAT
    "DEFAULT_THROTTLE_CLASSES": ["weavz.api.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    # How many proxies append to X-Forwarded-For; 0 trusts only REMOTE_ADDR for the client IP.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=1 if env.bool("BEHIND_TLS_PROXY", False) else 0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Weavz Connections API",
    "DESCRIPTION": (
        "An encrypted credential store for integration platforms: store end users' third-party "
        "credentials (encrypted with AES-256-GCM), decide with policies which connection an "
        "action uses, and read the audit log.\n\n"
        "Authenticate with `Authorization: Bearer wvz_…`; each key belongs to one organization "
        'and carries scopes. Lists answer `{"data": [...], "next": cursor | null}`, newest '
        "first; pass `next` back as `?cursor=`. Timestamps are `YYYY-MM-DDTHH:MM:SSZ`; JSON "
        "types are strict (a number is not a string) and no string may hold a NUL character. "
        "Every "
        'error is `{"error": {"code", "message", "details"?, "requestId"}}`. The full '
        "reference is docs/API.md in the repository."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several objects have a `status`; each set of choices gets its own component name.
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents the error envelope (weavz/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "weavz.api.schema.add_error_responses",
        "connections.schema.add_value_components",
    ],
    # One component per enum, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "ConnectionStatus": "connections.models.ConnectionStatus",
        "ValueType": "connections.values.VALUE_TYPES",
        "PolicyType": "policies.models.PolicyType",
        "ResolutionSource": "policies.resolution.SOURCES",
        "WebhookDeliveryStatus": "webhooks.models.DeliveryStatus",
        "WebhookEventType": "webhooks.models.SUBSCRIPTIONS",
        "HttpMethod": "actions.serializers.METHODS",
        "ActionName": "actions.serializers.ACTIONS",
        "ConnectSessionStatus": "connect.models.SessionStatus",
    },
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

# One JSON object per line on stderr (LOG_FORMAT=plain for humans); every handler redacts
# secrets (weavz/api/logging.py). weavz.request is the per-request access line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "weavz.api.logging.RedactingFilter"}},
    "formatters": {
        "json": {"()": "weavz.api.logging.JsonFormatter"},
        "plain": {
            "()": "weavz.api.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json"),
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The access line covers every request; django.request would repeat each 4xx as a warning.
    # requests-hardened warns about every address it refuses, also those EGRESS_ALLOWED_NETWORKS
    # then lets through; weavz.egress logs the refusals that stand.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "requests_hardened": {"level": "ERROR"},
        # procrastinate announces each task it registers at every start; its job lines stay.
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}
# The connect page answers a CSRF failure with a page; everything else with the envelope.
CSRF_FAILURE_VIEW = "connect.pages.csrf_failure"
