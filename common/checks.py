"""Deploy checks (`manage.py check --deploy`): production must not log messages instead of sending them, and must
say how many reverse proxies stand in front of it (the client address of every rate limit depends on it)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@register(Tags.security, deploy=True)
def delivery_backends_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    mailers = getattr(settings, "MAILERS", {}) or {}
    backends = [config.get("BACKEND", "") for config in mailers.values()] or [getattr(settings, "EMAIL_BACKEND", "")]
    if any(
        backend.endswith((".console.EmailBackend", ".locmem.EmailBackend", ".dummy.EmailBackend"))
        for backend in backends
    ):
        errors.append(
            Error(
                "The e-mail backend only prints or keeps messages: citizens would get nothing, and their addresses "
                "would land in the logs.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* variables.",
                id="common.E001",
            )
        )
    sms = getattr(settings, "SMS_BACKEND", "")
    if sms.endswith(("ConsoleBackend", "LocmemBackend")):
        errors.append(
            Error(
                "The SMS backend only logs or keeps messages: citizens would get nothing, and phone numbers and "
                "booking codes would land in the logs.",
                hint="Set SMS_BACKEND=appointments.sms.HttpBackend with SMS_HTTP_URL and SMS_HTTP_TOKEN.",
                id="common.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs, **kwargs) -> list[Error]:
    if getattr(settings, "TRUSTED_PROXY_COUNT", None) is None:
        return [
            Error(
                "TRUSTED_PROXY_COUNT is not set: rate limits key on the client address, which depends on the "
                "reverse proxies in front of the application.",
                hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies (1 with docker-compose.yml's proxy; "
                "0 only if the application is published directly).",
                id="common.E003",
            )
        ]
    return []
