"""Settings shared by every environment; each value that varies comes from the environment.

See README.md, "Settings", for the variables. `dev`, `test` and `production` override this.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from .env import env_bool, env_count, env_int, env_list, env_rates, env_str, shared_cache_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
# Old keys still accepted for signatures while they age out (docs/OPERATIONS.md, rotating the key).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "outbox",
    "accounts",
    "bom",
    "inventory",
    "production",
    "orders",
]

MIDDLEWARE = [
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware, after the session and the user it reads (a logged-in user's
    # saved language comes first): config/middleware.py.
    "config.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Links to other sites send no Referer at all (an order number in a URL stays here).
SECURE_REFERRER_POLICY = "same-origin"
# A CSRF refusal answers in the API's JSON shape under /api/ (config.views_errors).
CSRF_FAILURE_VIEW = "config.views_errors.csrf_failure"

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
                "accounts.context_processors.role_flags",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:home"
LOGOUT_REDIRECT_URL = "shop:home"

LANGUAGE_CODE = "en"
# The pages' languages (docs/ARCHITECTURE.md, "Languages"): a logged-in user's saved preference,
# else the switcher's cookie, else the browser's Accept-Language, else English. URLs carry no
# language prefix. The catalog's own texts follow the same language (bom.selectors.catalog_language).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# The pages' catalog first; config/ is not an app, so its own catalog (refusals it writes) is named.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "locale"]
# Dates in each language's own form: ISO in English, 2026年11月30日 in Chinese (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
# The factory's clock: calendars, shifts and promised dates are in the plant's time zone.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call gets 401 with WWW-Authenticate rather than 403.
        # knox: `Authorization: Token <key>`, stored as a hash, with an expiry (REST_KNOX); one
        # query a request (accounts.authentication).
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Per client; the configurator is called on every click, so its anonymous rate is generous,
    # while password guessing on the token endpoint and the login page is not. THROTTLE_RATES
    # (e.g. "anon=600/min,auth=10/min") overrides any of them.
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.AnonRateThrottle",
        "accounts.throttling.UserRateThrottle",
        "accounts.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": env_rates("THROTTLE_RATES", {"anon": "600/min", "user": "1200/min", "auth": "20/min"}),
    # A client is told apart by its address: the socket's, unless NUM_PROXIES proxies in front of
    # the server append theirs to X-Forwarded-For. Trusting the header by default let anyone
    # rotate it past every limit.
    "NUM_PROXIES": env_count("NUM_PROXIES", 0),
}
# API tokens (`POST /api/v1/auth/token/`): only their SHA-512 is stored; each expires after
# API_TOKEN_TTL_HOURS, and a password change revokes all of its user's tokens (accounts.receivers).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_count("API_TOKEN_TTL_HOURS", 24 * 30, at_least=1)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# JSON bodies nested deeper than this are refused with 400 before they are parsed: no spec or
# order comes near it, and Python's recursion would give out (a 500) near 1000.
API_JSON_MAX_DEPTH = 64
SPECTACULAR_SETTINGS = {
    "TITLE": "C2B mass customization API",
    "DESCRIPTION": "Configure, order and follow made-to-measure products through the factory.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "ProductionOrderStatusEnum": "production.models.ProductionOrder.Status",
        "OperationStatusEnum": "production.models.Operation.Status",
    },
}

# Celery: with no broker configured, tasks run in-process (the embedded default of `make run`).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# A worker whose broker goes away (Redis restarted, say) keeps reconnecting, at start-up too,
# without limit, instead of exiting (docs/DEPLOY.md).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = TIME_ZONE
# The worker logs through LOGGING above (with request ids), not a format of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    # What could not be sent after its commit (broker down) goes as soon as the broker is back.
    "flush-outbox": {"task": "outbox.flush", "schedule": 10.0},
    # Sweeps that catch anything missed: a lost release, allocation or re-plan.
    "release-pending-orders": {"task": "orders.release_pending", "schedule": 60.0},
    "allocate-waiting-material": {"task": "production.allocate_material", "schedule": 5 * 60.0},
    "replan-queue": {"task": "production.replan", "schedule": 15 * 60.0},
    # A request checks only its own token (accounts.authentication); the other expired ones go here.
    "purge-expired-tokens": {"task": "accounts.purge_expired_tokens", "schedule": 60 * 60.0},
}

# Rate limits and the work-center load cache (which the worker's replan clears) must be shared by
# every process: Redis whenever there is more than one (CACHE_URL, or the Redis broker's next
# database); the embedded default (`make run`: one process, tasks in-process) keeps a local cache.
CACHE_URL = shared_cache_url(cache_url=env_str("CACHE_URL"), broker_url=CELERY_BROKER_URL)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# A production order waiting this long for material is owed what it lacks: newer orders may no
# longer take that stock (no starvation; production.allocation).
ALLOCATION_EARMARK_AFTER_HOURS = env_int("ALLOCATION_EARMARK_AFTER_HOURS", 24)

# The demo users' password (`manage.py seed_demo`); outside dev and test it must be set.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "")

# Every line carries the request id of the request (or the task it started) that wrote it
# (config/logs.py); LOG_FORMAT=json writes JSON lines for a log collector (production's default).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The configurator's search budget per configure call, in search steps (bom/configurator/budget.py):
# past it the call answers 503 `configurator_budget`; publishing refuses a product that would.
CONFIGURATOR_SEARCH_BUDGET = env_int("CONFIGURATOR_SEARCH_BUDGET", 1_000_000)

# How big a product may be to publish (or preview a draft of): past either, publishing refuses it
# with that one problem (docs/CATALOG.md). Published versions keep working if they are lowered.
CONFIGURATOR_MAX_OPTIONS = env_count("CONFIGURATOR_MAX_OPTIONS", 5_000, at_least=1)
CONFIGURATOR_MAX_RULES = env_count("CONFIGURATOR_MAX_RULES", 20_000, at_least=1)

# How often an open order's page asks for its tracker again, in seconds (shop/_tracker.html).
ORDER_TRACKER_POLL_SECONDS = env_count("ORDER_TRACKER_POLL_SECONDS", 15, at_least=1)

# The CJK TrueType font travelers embed (a subset) for Chinese text: Debian's fonts-wqy-microhei,
# which `make install` installs (production/travelers.py; a .ttc's first face is used).
TRAVELER_CJK_FONT = env_str("TRAVELER_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# E-mail to customers at each milestone of their order: printed to the console unless an SMTP
# server is configured (EMAIL_HOST). SITE_URL makes the links in those mails.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "C2B Factory <orders@c2b.example>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
