"""Request language: Spanish (es-PE) unless the person chose another one with the language switcher."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not consulted.

    A public-service counter in Peru speaks Spanish first: many citizens' phones are set to English without
    their knowing, and a page that switches language on its own confuses them. The switcher (which sets the
    language cookie through /i18n/setlang/) is the one way to read the portal in another language.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
