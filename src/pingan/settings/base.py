"""Settings shared by every environment, configured through PINGAN_* environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from pingan.core.database import database_settings
from pingan.core.home import kept_secret, pingan_home
from pingan.core.proxies import trusted_from_env
from pingan.core.routers import replica_settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PINGAN_HOME = pingan_home()

SECRET_KEY = kept_secret("PINGAN_SECRET_KEY", "secret_key")
DEBUG = False
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("PINGAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pingan.core",
    "pingan.audit",
    "pingan.accounts",
    "pingan.units",
    "pingan.schemes",
    "pingan.reporting",
    "pingan.scores",
    "pingan.bulletins",
    "pingan.matters",
    "pingan.warnings",
    "pingan.assessments",
    "pingan.web",
    "pingan.api",
    "pingan.backup",
]

MIDDLEWARE = [
    "pingan.accounts.middleware.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pingan.core.routers.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pingan.core.input_guard.ControlCharacterGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pingan.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "pingan.accounts.denials.DenialAuditMiddleware",
]

ROOT_URLCONF = "pingan.urls"
WSGI_APPLICATION = "pingan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pingan.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_settings()}

FORM_RENDERER = "pingan.core.form_renderer.QuickSelectRenderer"

# Page data per computation run (pingan.core.page_cache): each process keeps its own entries.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pingan-pages",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# An optional PostgreSQL read replica (PINGAN_DATABASE_REPLICA_URL): GET requests read from it
# outside transactions; writes and reads after a write go to the primary (core/routers.py).
_REPLICA = replica_settings(DATABASES["default"])
if _REPLICA is not None:
    DATABASES["replica"] = _REPLICA
DATABASE_ROUTERS = ["pingan.core.routers.ReplicaRouter"]
PINGAN_REPLICA_READS = True
PINGAN_REPLICA_STICKY_SECONDS = int(os.environ.get("PINGAN_REPLICA_STICKY_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Lock the account, not the address: a whole office often shares one NAT address.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Security: passwords, sessions, trusted proxies (docs/security.md) ----------------------
# Passwords: at least 10 characters from three of four classes (lower, upper, digit, other),
# not like the username or display name, not a common password, none of the last five again.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "pingan.accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "pingan.accounts.passwords.HistoryValidator", "OPTIONS": {"keep": 5}},
]

# Sessions live in a signed cookie, so reading a page never writes to the database (a long
# write transaction cannot block page views). A session ends after PINGAN_IDLE_TIMEOUT_SECONDS
# without a request and PINGAN_SESSION_MAX_AGE_SECONDS after sign-in, whatever the activity.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
PINGAN_IDLE_TIMEOUT_SECONDS = int(os.environ.get("PINGAN_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
PINGAN_SESSION_MAX_AGE_SECONDS = int(
    os.environ.get("PINGAN_SESSION_MAX_AGE_SECONDS", str(12 * 60 * 60))
)
SESSION_COOKIE_AGE = PINGAN_SESSION_MAX_AGE_SECONDS

# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR
# blocks, comma-separated). From any other peer those headers are dropped.
PINGAN_TRUSTED_PROXIES = trusted_from_env(os.environ.get("PINGAN_TRUSTED_PROXIES", ""))
AXES_CLIENT_IP_CALLABLE = "pingan.core.access.actor.client_address"
# --- end of security block ------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CSP_DEFAULT_SRC = ("'self'",)
CSP_SCRIPT_SRC = ("'self'",)
CSP_STYLE_SRC = ("'self'", "'unsafe-inline'")
CSP_IMG_SRC = ("'self'", "data:")
CSP_FONT_SRC = ("'self'", "data:")
CSP_CONNECT_SRC = ("'self'",)
CSP_FRAME_ANCESTORS = ("'none'",)
CSP_FORM_ACTION = ("'self'",)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each in its own language
# The top-level catalog (cli, demo) and the demo data's (not an installed app).
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "demo_data" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("PINGAN_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PINGAN_HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = PINGAN_HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False


def _env_number(name: str, default: int) -> int:
    """A whole number ≥ 1 from the environment (the default when unset)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 12 and int(text) > 0):
        raise ValueError("%s must be a whole number ≥ 1, not %r" % (name, text))
    return int(text)


# Limits on uploaded and imported files (see docs/formats.md), checked before any parsing.
PINGAN_MAX_UPLOAD_MB = _env_number("PINGAN_MAX_UPLOAD_MB", 20)
PINGAN_MAX_ROWS = _env_number("PINGAN_MAX_ROWS", 500_000)
PINGAN_MAX_COLUMNS = _env_number("PINGAN_MAX_COLUMNS", 1_000)
PINGAN_MAX_XLSX_EXPANDED_MB = _env_number("PINGAN_MAX_XLSX_EXPANDED_MB", 200)
PINGAN_MAX_XLSX_RATIO = _env_number("PINGAN_MAX_XLSX_RATIO", 100)

# Attachments are readable by the service account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = PINGAN_MAX_UPLOAD_MB * 1024 * 1024

EMAIL_HOST = os.environ.get("PINGAN_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("PINGAN_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PINGAN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PINGAN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("PINGAN_SMTP_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("PINGAN_MAIL_FROM", "pingan@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)

NINJA_PAGINATION_PER_PAGE = 100

# The durable job queue (docs/adr/0011-owed-work-in-a-durable-job-queue.md): jobs are rows of this
# database, enqueued in the transaction of the change that makes them owed, run by the worker
# (`pingan worker`, or beside the web server in `pingan serve`).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
        "OPTIONS": {"id_function": "pingan.core.jobs.job_id"},
    }
}
# Periodic jobs the worker runs itself: every N seconds, or daily at a local time.
PINGAN_SCHEDULE = {
    "pingan.matters.tasks.tick": {"every": int(os.environ.get("PINGAN_TICK_SECONDS", "300"))},
    "pingan.reporting.tasks.remind": {"daily_at": os.environ.get("PINGAN_REMIND_AT", "08:00")},
    "pingan.assessments.tasks.tick": {"daily_at": os.environ.get("PINGAN_REMIND_AT", "08:00")},
    # PostgreSQL: this year's and next year's partitions of figures and matters, made ahead
    "pingan.core.partitions.make_partitions_ahead": {"daily_at": "03:30"},
}
# The risk matrix and conclusion rule of assessments (docs/assessments.md); empty: the built-in.
PINGAN_ASSESSMENT_RULES = os.environ.get("PINGAN_ASSESSMENT_RULES", "")
# `pingan check` reports work owed for longer than this.
PINGAN_OWED_WORK_MINUTES = int(os.environ.get("PINGAN_OWED_WORK_MINUTES", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
