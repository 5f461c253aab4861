"""Settings shared by every profile; everything that differs between machines comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "mac_portal",
    # Domain apps, in dependency order (each may use the ones above it).
    "common",
    "procedures",
    "centers",
    "appointments",
    "attention",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mac_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mac_portal.urls"
WSGI_APPLICATION = "mac_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: the embedded default is a SQLite file; production and tests use PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Spanish (Peru) first, English available; Lima time, aware datetimes.
LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis: when REDIS_URL is unset (the embedded default) the cache is in-process and Celery runs eagerly.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mac"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Appointments: messages are database rows claimed atomically; these scans are safe to run twice.
    "appointments-send-due-notifications": {"task": "appointments.tasks.notifications_send_due", "schedule": 60.0},
    "appointments-mark-no-shows": {"task": "appointments.tasks.appointments_mark_no_shows", "schedule": 300.0},
    "appointments-extend-slots": {"task": "appointments.tasks.slots_extend", "schedule": crontab(hour=2, minute=15)},
    "appointments-purge-personal-data": {
        "task": "appointments.tasks.appointments_purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
}


# E-mail (Django 6.1 mailers). Development prints messages on the console; production defaults to SMTP.
def mailers_from_env(default_backend: str) -> dict:
    backend = env("EMAIL_BACKEND", default=default_backend)
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MAC Portal <no-responder@mac.gob.pe>")

# Absolute links in messages (e-mails, SMS, calendar files) start with this.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Appointments (issue 3): booking limits, reminders, no-shows, rate limits per client address.
APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT = env.int("APPOINTMENTS_MAX_ACTIVE_PER_DOCUMENT", default=3)
APPOINTMENTS_REBOOK_COOLDOWN_MINUTES = env.int("APPOINTMENTS_REBOOK_COOLDOWN_MINUTES", default=30)
APPOINTMENTS_MAX_RESCHEDULES = env.int("APPOINTMENTS_MAX_RESCHEDULES", default=3)
APPOINTMENTS_REMINDER_HOURS_BEFORE = env.int("APPOINTMENTS_REMINDER_HOURS_BEFORE", default=24)
APPOINTMENTS_NO_SHOW_GRACE_MINUTES = env.int("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", default=30)
# A claimed message not marked sent within the lease is claimed again; keep it above CELERY_TASK_TIME_LIMIT.
APPOINTMENTS_NOTIFICATION_LEASE_SECONDS = env.int("APPOINTMENTS_NOTIFICATION_LEASE_SECONDS", default=600)
APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS = env.int("APPOINTMENTS_NOTIFICATION_MAX_ATTEMPTS", default=5)
# (attempts, window in seconds) per client address; generous, since mobile carriers share addresses (CGNAT).
APPOINTMENTS_RATE_LIMITS = {
    "book": (env.int("APPOINTMENTS_BOOK_RATE_LIMIT", default=20), 3600),
    "lookup": (env.int("APPOINTMENTS_LOOKUP_RATE_LIMIT", default=30), 600),
}
# Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted (0: use REMOTE_ADDR).
APPOINTMENTS_TRUSTED_PROXY_COUNT = env.int("APPOINTMENTS_TRUSTED_PROXY_COUNT", default=0)
APPOINTMENTS_ICS_UID_DOMAIN = env("APPOINTMENTS_ICS_UID_DOMAIN", default="mac.gob.pe")
# Ley 29733 retention limit: days after its slot ends that a finished appointment keeps the citizen's personal data.
APPOINTMENTS_RETENTION_DAYS = env.int("APPOINTMENTS_RETENTION_DAYS", default=180)

# Attention (issue 8): the in-person queue. The call-next rule is documented in attention/services/calling.py.
# An appointment's ticket can be called from its booked time minus this (earlier arrivals wait as booked)...
ATTENTION_APPOINTMENT_EARLY_MINUTES = env.int("ATTENTION_APPOINTMENT_EARLY_MINUTES", default=10)
# ...and one checked in later than its time plus this queues as a walk-in from its arrival.
ATTENTION_APPOINTMENT_LATE_MINUTES = env.int("ATTENTION_APPOINTMENT_LATE_MINUTES", default=15)
# A walk-in waiting this long competes with due appointments (ageing: walk-ins never starve).
ATTENTION_AGEING_MINUTES = env.int("ATTENTION_AGEING_MINUTES", default=30)
# A ticket needing a language no open counter speaks goes to any counter after waiting this long.
ATTENTION_LANGUAGE_MAX_WAIT_MINUTES = env.int("ATTENTION_LANGUAGE_MAX_WAIT_MINUTES", default=20)
# Times a called ticket must be called again before the agent may mark it as a no-show.
ATTENTION_NO_SHOW_RECALLS = env.int("ATTENTION_NO_SHOW_RECALLS", default=2)

# SMS: appointments.sms.ConsoleBackend logs messages; production uses appointments.sms.HttpBackend.
SMS_BACKEND = env("SMS_BACKEND", default="appointments.sms.ConsoleBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SENDER = env("SMS_SENDER", default="MAC")

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "mac_portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "mac_portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MAC Portal API",
    "DESCRIPTION": "Open API of the Mejor Atención al Ciudadano (MAC) strategy: entities, procedures, service points.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema component per choice set, however many fields use it.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "procedures.constants.Channel",
        "GovernmentLevelEnum": "procedures.constants.GovernmentLevel",
        "AppointmentPolicyEnum": "procedures.constants.AppointmentPolicy",
        "CitizenIntentEnum": "procedures.constants.CitizenIntent",
        "PriorityNeedEnum": "appointments.constants.PriorityNeed",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
