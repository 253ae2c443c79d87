"""Settings shared by every environment; each value can come from the environment.

Every variable read here is listed in README.md and `.env.example`.
"""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TAKT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def redis_database(url: str, number: int) -> str:
    """The same Redis server as `url`, database `number` (the URL's path)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


def redis_database_number(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "import_export",
    "plant",
    "inventory",
    "staffing",
    "scheduling",
    "quality",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "plant.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plant.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "plant.middleware.PlantTimezoneMiddleware",
    "plant.middleware.DomainErrorMiddleware",
    # Last, so that it sees the outcome of a login and answers a locked-out one.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy on every response. Pages carry no inline script and no inline event
# handler (behaviours are static/js/*.js reading data attributes), so scripts come from this
# site only; an inline script would need the request's nonce (`{{ request.csp_nonce }}`).
# Styles may be inline: style="" attributes, and the indicator style htmx adds. The API docs
# allow a little more, on their own pages only (plant/root_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "plant.root_urls"
WSGI_APPLICATION = "plant.wsgi.application"

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
                "plant.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'takt.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes a schedule.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# This many wrong passwords in a row lock out that username from that address (on the login
# page and the admin's) for LOGIN_LOCKOUT_S seconds, the right password included. django-axes
# keeps the count in the database; `manage.py axes_reset_username NAME` lifts a lockout.
LOGIN_MAX_ATTEMPTS = int(os.environ.get("LOGIN_MAX_ATTEMPTS", "5"))
LOGIN_LOCKOUT_S = int(os.environ.get("LOGIN_LOCKOUT_S", "900"))
AXES_FAILURE_LIMIT = LOGIN_MAX_ATTEMPTS
AXES_COOLOFF_TIME = dt.timedelta(seconds=LOGIN_LOCKOUT_S)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "plant.views.login_locked_out"
# A login lasts SESSION_COOKIE_AGE_S (12 h, a shift and its overtime) after its session last
# changed (the login itself, a plant switch, an operator's tap on a tablet), not Django's two
# weeks: a tablet left logged in overnight asks for a login again. Ending sessions when the
# browser closes would not help: a tablet's browser is never closed, and browsers that
# restore their tabs keep such cookies anyway.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE_S", str(12 * 3600)))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plant:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Celery -----------------------------------------------------------------------------
# With REDIS_URL set, Redis is the broker and the cache. Without it (the embedded default)
# the broker is kombu's filesystem transport: a real worker process exchanges messages with
# the web process through a folder, no server needed.
# The broker and the cache live in two Redis databases (the URL's, and the next one unless
# REDIS_CACHE_URL says otherwise): clearing the cache must never erase queued tasks.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "") or (
    redis_database(REDIS_URL, redis_database_number(REDIS_URL) + 1) if REDIS_URL else ""
)
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
# Time limits nest: the solver stops itself first, then Celery's soft and hard limits, and
# the broker redelivers an unacknowledged message only after all of them have passed.
SOLVER_MAX_TIME_LIMIT_S = int(os.environ.get("SOLVER_MAX_TIME_LIMIT_S", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = SOLVER_MAX_TIME_LIMIT_S + 120
CELERY_TASK_TIME_LIMIT = SOLVER_MAX_TIME_LIMIT_S + 180
CELERY_BROKER_VISIBILITY_TIMEOUT = SOLVER_MAX_TIME_LIMIT_S + 600
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_BROKER_VISIBILITY_TIMEOUT
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"scheduling.solve_run": {"queue": "solver"}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open (plant/cache.py): with Redis down, sessions come from the database and
            # the rate limit lets requests through, instead of every request answering 500.
            "BACKEND": "plant.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    # Sessions read from Redis, written through to the database: a request (a tablet's tap)
    # costs no session query. Without Redis the cache is per process, so sessions stay in
    # the database alone.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated call gets 401 with `WWW-Authenticate: Bearer`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "plant.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["plant.api.throttling.CallerRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "plant.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "plant.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "plant.api.pagination.Pagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Takt API",
    "DESCRIPTION": "Production scheduling and plant coordination. Version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for logged-in users and API tokens, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "scheduling.models.orders.ProductionOrder.Status",
        "SettableOrderStatusEnum": "scheduling.orders.serializers.SETTABLE_STATUSES",
        "RunStatusEnum": "scheduling.models.runs.ScheduleRun.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# A running solve heartbeats every second; after this long without one the sweeper re-queues
# it (new attempt), up to SOLVER_MAX_ATTEMPTS, then fails it with a reason.
SOLVER_STALE_AFTER_S = int(os.environ.get("SOLVER_STALE_AFTER_S", "60"))
SOLVER_MAX_ATTEMPTS = int(os.environ.get("SOLVER_MAX_ATTEMPTS", "2"))
# A run still queued this long after its solve was sent is sent again (the message may have
# been lost); a duplicate is harmless, one worker claims each attempt.
SOLVER_RESEND_QUEUED_AFTER_S = int(os.environ.get("SOLVER_RESEND_QUEUED_AFTER_S", "300"))
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-runs": {"task": "scheduling.sweep_stale_runs", "schedule": 30.0},
}

# --- Shop floor -------------------------------------------------------------------------
# An operator identified on a shared tablet stays identified this long after their last tap.
FLOOR_OPERATOR_IDLE_S = int(os.environ.get("FLOOR_OPERATOR_IDLE_S", "300"))
# Schedule adherence and "running late": started/finished within this many minutes of plan.
FLOOR_ADHERENCE_TOLERANCE_MIN = int(os.environ.get("FLOOR_ADHERENCE_TOLERANCE_MIN", "15"))

# --- ERP integration --------------------------------------------------------------------
# Requests per API token (or per browser session) and period, e.g. "600/minute"; the counts
# live in the cache (Redis in production).
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1200/minute")
# How long a POST command's Idempotency-Key is remembered (and its response replayed).
API_IDEMPOTENCY_TTL_S = int(os.environ.get("API_IDEMPOTENCY_TTL_S", str(24 * 3600)))
# Webhook deliveries: tries in all, the first retry's delay (doubling each time), and the
# HTTP timeout of one try.
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BASE_S = float(os.environ.get("WEBHOOK_RETRY_BASE_S", "30"))
WEBHOOK_TIMEOUT_S = float(os.environ.get("WEBHOOK_TIMEOUT_S", "10"))
# Webhooks to loopback, private, shared (CGNAT) and link-local addresses are refused (an
# integrator's URL must not reach this server's own network); a plant whose ERP sits on the
# LAN turns this on.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
CELERY_BEAT_SCHEDULE["purge-idempotency-keys"] = {
    "task": "plant.purge_idempotency_keys",
    "schedule": 3600.0,
}

# Good + scrap of a step more than this many per cent over the order quantity needs a
# confirmation (a typing slip, most likely).
FLOOR_QUANTITY_TOLERANCE_PCT = int(os.environ.get("FLOOR_QUANTITY_TOLERANCE_PCT", "10"))
# This many wrong PINs in a row lock an operator's badge for FLOOR_PIN_LOCKOUT_S seconds.
FLOOR_PIN_MAX_ATTEMPTS = int(os.environ.get("FLOOR_PIN_MAX_ATTEMPTS", "5"))
FLOOR_PIN_LOCKOUT_S = int(os.environ.get("FLOOR_PIN_LOCKOUT_S", "900"))
