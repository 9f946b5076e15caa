"""Settings for the WPO platform, read from environment variables (see README)."""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envstr

# Lets generic classes such as ModelForm[Department] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# Outside DEBUG a real secret is required; the development fallback is never used in production.
# Left empty, Django refuses the first use of the key (signing a session, a CSRF token, a reset
# link) with ImproperlyConfigured and `check --deploy` reports it; commands that sign nothing
# (makemigrations --check, backup) still run.
SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
# Earlier keys, kept while rotating SECRET_KEY: sessions, the encrypted authenticator and SSO secrets
# and the backup codes made with them still open (wpo/accounts/crypto.py); docs/production.md.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.apps.WpoAdminConfig",  # Django's admin behind the app's login and a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wpo.lib",
    "wpo.accounts",
    "wpo.orgs",
    "wpo.curriculum",
    "wpo.packages",
    "wpo.trajectories",
    "wpo.evaluations",
    "wpo.learn",
    "wpo.coaching",
    "wpo.followup",
    "wpo.meetings",
    "wpo.intake",
    "wpo.reports",
    "wpo.national",
    "wpo.certificates",
    "wpo.guidance",
    "wpo.audit",
    "wpo.privacy",
    "wpo.service",
    "wpo.ops",
    "wpo.demo",
]

MIDDLEWARE = [
    # First: a request for the content origin is answered there, past everything else (no session).
    "wpo.packages.content.ContentOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wpo.lib.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wpo.accounts.middleware.CardSessionIdleMiddleware",
    "wpo.orgs.middleware.PersonMiddleware",
    "wpo.accounts.middleware.StaffSessionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.errors.RefusalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wpo.orgs.context_processors.navigation",
                "wpo.trajectories.context_processors.steps",
                "wpo.accounts.context_processors.idle_logout",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'data' / 'wpo.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 0),
        # With persistent connections, check a kept connection before a request uses it, so the
        # app recovers by itself after a database restart (measured by `make soak`).
        conn_health_checks=envbool("CONN_HEALTH_CHECKS", True),
    )
}
# An optional read replica (PostgreSQL streaming replication) for the report and its exports:
# wpo.lib.db_router sends only their reads there (docs/scaling.md). READ_REPLICA switches it off
# without removing the alias.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=envint("CONN_MAX_AGE", 0),
        conn_health_checks=envbool("CONN_HEALTH_CHECKS", True),
    )
READ_REPLICA = envbool("READ_REPLICA", bool(DATABASE_REPLICA_URL))
DATABASE_ROUTERS = ["wpo.lib.db_router.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the tasks worker and the web server use the same file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wpo.accounts.backends.UsernameOrEmailBackend"]
# Argon2id for every new or changed password. PBKDF2 stays in the list so that passwords stored
# before Argon2 came in still verify; Django rehashes them with Argon2 at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# Checked wherever a person's password is chosen (the administrator's person form); messages
# come from Django's own Dutch translation.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# A session started with a login card (a shared tablet) ends after this many idle seconds.
CARD_IDLE_LOGOUT_SECONDS = envint("CARD_IDLE_LOGOUT_SECONDS", 300)
# A staff session (password or single sign-on) ends after this many seconds without a request.
STAFF_IDLE_LOGOUT_SECONDS = envint("STAFF_IDLE_LOGOUT_SECONDS", 60 * 60 * 2)
# Wrong two-factor codes are limited by wpo/accounts/two_factor.py (5 in 15 minutes lock the
# account's second step for 15 minutes); django-otp's own growing delay is off so that one rule holds.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "WPO-platform"
# The Django admin never shows an authenticator's secret or its QR code: the secret is encrypted at
# rest (wpo/accounts/crypto.py) and nobody but the person needs it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The server's requests to an organisation's identity provider (wpo/accounts/sso_fetch.py): https to
# public addresses only, at most this many seconds and bytes per request. SSO_ALLOWED_TEST_HOSTS
# ("host:port") may be plain http on any address: only the tests' in-process provider, never production.
SSO_FETCH_TIMEOUT_SECONDS = 5.0
SSO_FETCH_MAX_BYTES = 256 * 1024
SSO_ALLOWED_TEST_HOSTS: list[str] = []

# The product is written in Dutch; Dutch strings are the source and English is a translation.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("illustrations", BASE_DIR / "content" / "illustrations")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / envstr("MEDIA_DIR", "data/media")

CONTENT_DIR = BASE_DIR / "content"

EMAIL_BACKEND_PATH = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": envstr("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25),
                "username": envstr("EMAIL_HOST_USER", ""),
                "password": envstr("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", False),
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "WPO-platform <noreply@localhost>")

# The address people reach the platform on; links in e-mails sent by background tasks use it.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-learning packages (SCORM) are someone else's HTML and JavaScript: they are served only from this
# separate origin, which sets and reads no cookie and answers nothing but package files
# (wpo/packages/content.py). It must be another host than the platform (cookies ignore the port):
# in development http://localhost:8001, which `make run` serves beside the platform on 127.0.0.1:8000.
CONTENT_ORIGIN = envstr("CONTENT_ORIGIN", "http://localhost:8001").rstrip("/")
# What an uploaded package may be (docs/curriculum-exchange.md): the zip, everything unpacked, one
# file unpacked, the number of files, and how much bigger than packed one file may become.
PACKAGE_MAX_UPLOAD_BYTES = envint("PACKAGE_MAX_UPLOAD_BYTES", 300 * 1024 * 1024)
PACKAGE_MAX_TOTAL_BYTES = envint("PACKAGE_MAX_TOTAL_BYTES", 600 * 1024 * 1024)
PACKAGE_MAX_FILE_BYTES = envint("PACKAGE_MAX_FILE_BYTES", 300 * 1024 * 1024)
PACKAGE_MAX_FILES = envint("PACKAGE_MAX_FILES", 5000)
PACKAGE_MAX_RATIO = envint("PACKAGE_MAX_RATIO", 100)

# Background tasks (the reminder the day before a conversation) use Django's tasks framework.
# django-tasks-db keeps them in the database we already have and runs them in
# ``manage.py db_worker``; ``make run`` starts that worker beside the web server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Cache and sessions. Without REDIS_URL (development, tests) Django's defaults stay: a local-memory
# cache per process and sessions in the database. With REDIS_URL (production) every gunicorn worker and
# the task worker share one cache in Redis, and sessions use "cached_db": read from Redis, written to
# Redis *and* the database. Pure cache sessions would log everyone out whenever Redis restarts or evicts
# keys; with cached_db the database copy is the truth and Redis only saves the query on each request.
# Short socket timeouts make an unreachable Redis fail fast instead of tying up web workers.
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Pages kept rendered in the cache until something on them changes: the participant's home page
# (wpo/learn/home_cache.py), the coach's overview and the project manager's report (wpo/coaching/
# signal_cache.kept_page). Only with Redis: a local-memory cache is one per process, and a change
# seen by one gunicorn worker would not reach the copy kept by another.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60 if REDIS_URL else 0)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: static/js/app.js takes the token from the form's hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS in production (all off with DEBUG, so ``make run`` keeps working on plain http).
# Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (the proxy must
# overwrite that header) so Django knows the request was secure; if the proxy also does the
# redirect to https itself, SECURE_SSL_REDIRECT=false.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
_proxy_ssl_header = envstr("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# How many proxies in front of the app append to X-Forwarded-For (nginx: 1). The login lock-outs and
# the certificate-check limit count the address the last of them saw; with 0 every client behind a
# proxy would be the proxy's own address, so one client could lock out everyone. `check --deploy`
# refuses 0 when SECURE_PROXY_SSL_HEADER says a proxy is there (wpo/accounts/checks.py).
WPO_TRUSTED_PROXY_COUNT = envint("WPO_TRUSTED_PROXY_COUNT", 0)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading binds the whole domain (and all its subdomains) to HTTPS in browsers for a long
# time: the owner of the domain decides that, not the application. Off unless asked for, and
# then Django's reminder about it (security.W021) is silenced on purpose.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict policy: no inline script or style anywhere; every asset comes from this origin.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    # The practice part may show an e-learning package, in a sandboxed frame from the content origin.
    "frame-src": ["'self'", CONTENT_ORIGIN],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step of every PDF at INFO; only its warnings are worth reading.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
