"""Settings shared by every profile; everything that differs between machines comes from the environment."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The change history of back-office data (mac_portal/audit.py).
    "auditlog",
    "mac_portal",
    # The ground floor (imports no app), then the domain apps in dependency order (each may use those above it).
    "common",
    "procedures",
    "centers",
    "appointments",
    "attention",
    # Siblings above the in-person channel (none imports another); reports reads them all.
    "calls",
    "surveys",
    "complaints",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.ProxyHeadersCheckMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mac_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff: shorter sessions, and two-factor verification before the admin (mac_portal/staff/).
    "mac_portal.staff.middleware.StaffSessionMiddleware",
    # The acting staff member of the change history (mac_portal/audit.py); nothing for citizens and devices.
    "mac_portal.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The booking pages' browser cookie, when a draft or a grant made one (appointments/views/browser.py).
    "appointments.views.browser.BrowserCookieMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# A PostgreSQL read replica for the reports (streaming replication of the primary): set, reports read from it.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["reports.routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mac"),
            # Short timeouts: when Redis is down, requests go on with common.cache's local fallback at once.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions (appointment access grants, booking drafts, staff logins) are read from the cache and written through to
# the database: a citizen page that reads its session costs no query; common.sessions keeps them working while the
# cache does not answer.
SESSION_ENGINE = "common.sessions"

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Bounded publishes (common.celery.Task.apply_async). A request publishes its after-commit tasks itself, and kombu's
# redis transport waits on its sockets without a timeout: a Redis that accepts connections but never answers (frozen,
# half-dead) hung the booking request until gunicorn killed its worker — a booked appointment answered 500
# (tests/smoke). Publishes from requests and tasks now use connections whose socket operations give up after 2 s,
# retried once: the booking answers 201 within seconds, Django's robust on_commit logs the failure, and the beat's
# scan sends the message row once Redis answers (appointments/tests/test_tasks.py, tests/smoke). Not
# CELERY_BROKER_TRANSPORT_OPTIONS: on the worker's consuming connection a timed-out acknowledgement leaves its only
# prefetch slot taken, and it stops consuming until it reconnects.
TASK_PUBLISH_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # Re-connecting before a publish: one more try at most, at once.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# common.nudges: a process publishes each scan asked for after a commit at most once per this period.
NUDGE_INTERVAL_SECONDS = env.float("NUDGE_INTERVAL_SECONDS", default=0.2)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Appointments: messages are database rows claimed atomically; these scans are safe to run twice. The scan of due
    # messages also sends what a lost broker message or a crashed worker left: its period bounds that delay.
    # The same scan also announces the bookings' and cancellations' changes (attention's virtual records). It is nudged
    # after the commits that leave it work (common.nudges): beat is its backstop.
    "appointments-send-due-notifications": {
        "task": "appointments.tasks.outbox_scan",
        "schedule": env.float("APPOINTMENTS_NOTIFICATION_SCAN_SECONDS", default=60.0),
    },
    # Remote tickets: plan and send the "your turn is near" messages, clear contact data no longer needed.
    "attention-remote-tickets-scan": {"task": "attention.tasks.remote_tickets_scan", "schedule": 30.0},
    "appointments-mark-no-shows": {"task": "appointments.tasks.appointments_mark_no_shows", "schedule": 300.0},
    "appointments-extend-slots": {"task": "appointments.tasks.slots_extend", "schedule": crontab(hour=2, minute=15)},
    "appointments-purge-personal-data": {
        "task": "appointments.tasks.appointments_purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "surveys-send-due-invitations": {
        "task": "surveys.tasks.invitations_send_due",
        "schedule": env.float("SURVEYS_INVITATION_SCAN_SECONDS", default=60.0),
    },
    "surveys-forget-contacts": {
        "task": "surveys.tasks.invitations_forget_contacts",
        "schedule": crontab(hour=3, minute=45),
    },
    # Reports: the daily summary of yesterday and today (volume tables; see reports.services.summary).
    "reports-refresh-daily-counts": {
        "task": "reports.tasks.daily_counts_refresh_recent",
        "schedule": env.float("REPORTS_SUMMARY_REFRESH_SECONDS", default=600.0),
    },
    # Complaints book: acknowledgements and answers are message rows too; the scan sends what a lost task left.
    "complaints-send-due-messages": {
        "task": "complaints.tasks.complaint_messages_send_due",
        "schedule": env.float("APPOINTMENTS_NOTIFICATION_SCAN_SECONDS", default=60.0),
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
APPOINTMENTS_ICS_UID_DOMAIN = env("APPOINTMENTS_ICS_UID_DOMAIN", default="mac.gob.pe")
# Ley 29733 retention limit: days after its slot ends that a finished appointment keeps the citizen's personal data.
APPOINTMENTS_RETENTION_DAYS = env.int("APPOINTMENTS_RETENTION_DAYS", default=180)

# Rate limits at the edge (common.ratelimit): (attempts, window in seconds) per scope and client address; generous,
# since mobile carriers share addresses (CGNAT).
RATE_LIMITS = {
    "book": (env.int("APPOINTMENTS_BOOK_RATE_LIMIT", default=20), 3600),
    "lookup": (env.int("APPOINTMENTS_LOOKUP_RATE_LIMIT", default=30), 600),
    # Remote tickets (/fila/<center>/): joins per address and per network.
    "remote_join": (env.int("ATTENTION_REMOTE_JOIN_RATE_LIMIT", default=10), 3600),
    "remote_join_network": (60, 3600),
    "survey": (env.int("SURVEYS_RESPONSE_RATE_LIMIT", default=30), 600),
    "complaint": (env.int("COMPLAINTS_FILE_RATE_LIMIT", default=10), 3600),
    "complaint_network": (60, 3600),
}
# Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted (0: use REMOTE_ADDR).
# Unset: none (a deploy check asks production to say it). X-Forwarded-For is trusted only from TRUSTED_PROXY_NETWORKS
# (default: loopback and private ranges, where a reverse proxy container lives).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])

# The adaptive booking challenge (common.challenge): booking attempts from one network in 10 minutes, or from
# everyone in one minute, from which a booking needs a proof of work (or, without JavaScript, a short wait).
CHALLENGE_NETWORK_THRESHOLD = env.int("CHALLENGE_NETWORK_THRESHOLD", default=6)
CHALLENGE_GLOBAL_THRESHOLD = env.int("CHALLENGE_GLOBAL_THRESHOLD", default=300)
CHALLENGE_WAIT_SECONDS = env.int("CHALLENGE_WAIT_SECONDS", default=15)
CHALLENGE_COST = env.int("CHALLENGE_COST", default=2000)

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
# Remote tickets (issue 9): citizens join a queue from their phone from this long before the center opens...
ATTENTION_REMOTE_OPENS_BEFORE_MINUTES = env.int("ATTENTION_REMOTE_OPENS_BEFORE_MINUTES", default=30)
# ...until this long before it closes (time to get there)...
ATTENTION_REMOTE_CLOSES_BEFORE_MINUTES = env.int("ATTENTION_REMOTE_CLOSES_BEFORE_MINUTES", default=60)
# ...and get one SMS / e-mail when this many people (or fewer) are ahead of them.
ATTENTION_REMOTE_NEAR_AHEAD = env.int("ATTENTION_REMOTE_NEAR_AHEAD", default=3)
# The virtual channel's service point (a Center slug) where bookings and cancellations are recorded as attentions;
# empty: the first active center of the virtual channel.
ATTENTION_VIRTUAL_CENTER = env("ATTENTION_VIRTUAL_CENTER", default="")

# Satisfaction surveys (issue 10): invitations after an attention, sent once by the beat (surveys/services).
SURVEYS_SAMPLING_SHARE = env.float("SURVEYS_SAMPLING_SHARE", default=1.0)  # default share invited (per center: admin)
SURVEYS_INVITATION_DELAY_MINUTES = env.int("SURVEYS_INVITATION_DELAY_MINUTES", default=60)
SURVEYS_INVITATION_EXPIRY_DAYS = env.int("SURVEYS_INVITATION_EXPIRY_DAYS", default=7)
SURVEYS_CONTACT_INTERVAL_DAYS = env.int("SURVEYS_CONTACT_INTERVAL_DAYS", default=30)  # one invitation per contact
SURVEYS_INVITATION_MAX_ATTEMPTS = env.int("SURVEYS_INVITATION_MAX_ATTEMPTS", default=5)
SURVEYS_INVITATION_LEASE_SECONDS = env.int("SURVEYS_INVITATION_LEASE_SECONDS", default=600)
SURVEYS_TABLET_WINDOW_MINUTES = env.int("SURVEYS_TABLET_WINDOW_MINUTES", default=10)
# Key of the contacts' keyed hashes (opt-outs, the N-days rule); empty: SECRET_KEY. Keep it when rotating SECRET_KEY.
SURVEYS_CONTACT_HASH_KEY = env("SURVEYS_CONTACT_HASH_KEY", default="")

# Reports: figures of segments (age band, gender, language, preferential attention) under this count are not shown.
REPORTS_MIN_CELL_SIZE = env.int("REPORTS_MIN_CELL_SIZE", default=10)

# Complaints book (issue 10, D.S. 007-2020-PCM): the answer deadline in working days (weekends, national holidays and
# the service point's closures excluded); attachments (PDF, JPG, PNG by content) up to this size, stored in a
# directory no web server serves.
COMPLAINTS_ANSWER_WORKING_DAYS = env.int("COMPLAINTS_ANSWER_WORKING_DAYS", default=30)
COMPLAINTS_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024  # the proxy takes bodies up to 3 MB (deploy/nginx.conf)
COMPLAINTS_ATTACHMENTS_DIR = env("COMPLAINTS_ATTACHMENTS_DIR", default=str(BASE_DIR / "var" / "complaints"))

# SMS: appointments.sms.ConsoleBackend logs messages; production uses appointments.sms.HttpBackend.
SMS_BACKEND = env("SMS_BACKEND", default="appointments.sms.ConsoleBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SENDER = env("SMS_SENDER", default="MAC")

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy (Django's own middleware): no inline script or style anywhere, everything from our own
# origin; QR codes are inline SVG and the admin's and Swagger UI's stylesheets use data: images. CSP_REPORT_ONLY=true
# sends the same policy as Content-Security-Policy-Report-Only (to try a change on production traffic first).
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if CSP_REPORT_URI := env("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["report-uri"] = [CSP_REPORT_URI]
if env.bool("CSP_REPORT_ONLY", default=False):
    SECURE_CSP: dict = {}
    SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY
else:
    SECURE_CSP = CONTENT_SECURITY_POLICY
    SECURE_CSP_REPORT_ONLY: dict = {}

# Staff login (issue 7). django-axes: after STAFF_LOGIN_FAILURE_LIMIT failed logins a username is locked out (from
# any address) and so is an address (for any username), until STAFF_LOGIN_COOLOFF_MINUTES pass without failures;
# lockouts are logged (logger "axes") and listed in the admin. Behind proxies, the address is the one the rate
# limits use (common.ratelimit.client_address).
AXES_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("STAFF_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "mac_portal.staff.axes.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "mac_portal.staff.views.locked_out"
# Two-factor (django-otp, TOTP + one-time backup codes) is required of staff who can see personal data or hand out
# access: superusers and holders of any permission of these apps (appointments and their messages; the in-person
# channel, whose staff check citizens in by document number and serve their appointments, and whose administrators
# hand out device tokens; accounts, two-factor devices and lockouts, with which one could reach the former). Staff
# sessions end after STAFF_SESSION_SECONDS, or sooner after STAFF_SESSION_IDLE_SECONDS without a request; citizens'
# keep Django's default.
STAFF_OTP_REQUIRED_APPS = [
    "appointments",
    "attention",
    "calls",
    "surveys",
    "complaints",
    "reports",
    "auth",
    "otp_totp",
    "otp_static",
    "axes",
    "auditlog",
]
STAFF_SESSION_SECONDS = env.int("STAFF_SESSION_SECONDS", default=8 * 3600)
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
OTP_TOTP_ISSUER = "MAC Portal"
# The admin's device pages never show a secret or its QR code (not even to superusers): only its owner sees it, once.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
STAFF_OTP_BACKUP_CODES = 10

# API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Session only (the admin's login, with its lockout and two-factor): no HTTP Basic password-guessing door.
    "DEFAULT_AUTHENTICATION_CLASSES": ["common.api.authentication.SessionAuthentication"],
    # JSON only: DRF's browsable API pages carry inline styles (refused by the Content-Security-Policy); Swagger UI
    # at /api/docs/ is the API for people.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "common.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "common.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MAC Portal API",
    "DESCRIPTION": "Open API of the Mejor Atención al Ciudadano (MAC) strategy: entities, procedures, service points.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation documents the one error shape (common.api.schema) as its `default` response.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.add_default_error_response",
    ],
    # Swagger UI and ReDoc are served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's toggle button (axe: nested-interactive); the docs do without.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
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

# Every record goes through common.logging.PersonalDataFilter: no e-mail, phone, document number or booking code
# in the logs (Ley 29733).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "common.logging.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
