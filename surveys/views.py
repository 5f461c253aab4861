"""Citizen pages of the satisfaction surveys: answering by link (/encuesta/<token>/), opting out, the counter's tablet.

No login: the link's signed token is the key (surveys.tokens). Pages work without JavaScript (plain forms, 303 after
a POST), show no contact data, and answer refusals with their own status and a kind message: 404 (unknown link),
409 (already answered), 410 (closed), 429 (too many answers from one connection).
"""

import hmac
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from attention.constants import DeviceKind
from attention.devices import device_authorise
from centers.models import Counter
from common.errors import DomainError
from common.http import with_error_headers
from common.ratelimit import rate_limit

from . import selectors, services
from .constants import SCALE
from .errors import InvalidAnswers, UnknownInvitation
from .models import Invitation
from .tokens import invitation_token

TABLET_COUNTER_KEY = "surveys_tablet_counter"


def _problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = render(request, "surveys/problem.html", {"message": error.message}, status=error.status)
    return with_error_headers(response, error)


def _question_rows(invitation: Invitation, data=None, errors: dict | None = None) -> list[dict]:
    rows = []
    for question in invitation.survey.questions.all():
        rows.append(
            {
                "question": question,
                "expectation": (data or {}).get(f"q{question.pk}_e", ""),
                "perception": (data or {}).get(f"q{question.pk}_p", ""),
                "error": (errors or {}).get(f"q{question.pk}", [""])[0],
            }
        )
    return rows


def _form_render(
    request: HttpRequest, invitation: Invitation, token: str, *, error: InvalidAnswers | None = None, tablet=None
) -> HttpResponse:
    errors = error.field_errors if error else {}
    context = {
        "invitation": invitation,
        "attention": invitation.attention,
        "token": token,
        "rows": _question_rows(invitation, request.POST if error else None, errors),
        "scale": list(SCALE),
        "comment": request.POST.get("comment", "") if error else "",
        "comment_error": errors.get("comment", [""])[0],
        "error": error,
        "tablet": tablet,
    }
    return render(request, "surveys/respond.html", context, status=error.status if error else 200)


def _answers(data) -> dict[int, tuple[str, str]]:
    answers: dict[int, tuple[str, str]] = {}
    for key in data:
        if key.startswith("q") and key.endswith("_e") and key[1:-2].isdigit():
            pk = int(key[1:-2])
            answers[pk] = (data.get(key, ""), data.get(f"q{pk}_p", ""))
    return answers


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("survey")
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of one invitation: GET shows it, POST stores the answers once and redirects to the thanks page."""
    invitation, nonce = selectors.invitation_for_token(token=token)
    try:
        services.invitation_check(invitation=invitation, nonce=nonce, now=timezone.now())
    except DomainError as exc:
        return _problem(request, exc)
    assert invitation is not None  # noqa: S101 - checked
    if request.method != "POST":
        return _form_render(request, invitation, token)
    try:
        services.response_submit(token=token, answers=_answers(request.POST), comment=request.POST.get("comment", ""))
    except InvalidAnswers as exc:
        return _form_render(request, invitation, token, error=exc)
    except DomainError as exc:
        return _problem(request, exc)
    thanks = reverse("surveys:thanks")
    if request.POST.get("tablet") == str(invitation.attention.center.slug):
        thanks += f"?centro={invitation.attention.center.slug}"
    return HttpResponseRedirect(thanks, status=303)


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    """After answering; on a counter's tablet it goes back to the tablet's page after a few seconds."""
    slug = request.GET.get("centro", "")
    back = reverse("surveys:tablet", kwargs={"slug": slug}) if re.fullmatch(r"[-\w]{1,80}", slug, re.ASCII) else ""
    return render(request, "surveys/thanks.html", {"back": back})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """Never be invited again (the link of every invitation); works also after the survey closed."""
    invitation, nonce = selectors.invitation_for_token(token=token)
    if invitation is None or not hmac.compare_digest(invitation.nonce.encode(), nonce.encode()):
        return _problem(request, UnknownInvitation())
    done = False
    if request.method == "POST":
        services.invitation_opt_out(invitation=invitation)
        done = True
    return render(request, "surveys/opt_out.html", {"done": done, "token": token})


@never_cache
@require_http_methods(["GET", "HEAD"])
def tablet(request: HttpRequest, slug: str) -> HttpResponse:
    """The counter's tablet (a device with a survey token): the survey of the attention just finished at its counter,
    or a waiting screen that refreshes itself. The counter is chosen once with ?ventanilla=<id> and remembered."""
    device, redirect = device_authorise(request, kind=DeviceKind.SURVEY, slug=slug)
    if redirect:
        return redirect
    if device is None:
        return render(request, "attention/device_forbidden.html", status=403)
    counters = Counter.objects.filter(center=device.center, is_active=True).order_by("label")
    if (chosen := request.GET.get("ventanilla", "")).isdigit() and counters.filter(pk=int(chosen)).exists():
        request.session[TABLET_COUNTER_KEY] = {slug: int(chosen)}
        return HttpResponseRedirect(request.path)
    counter = counters.filter(pk=request.session.get(TABLET_COUNTER_KEY, {}).get(slug)).first()
    if counter is None:
        return render(request, "surveys/tablet_setup.html", {"center": device.center, "counters": counters})
    window = int(getattr(settings, "SURVEYS_TABLET_WINDOW_MINUTES", 10))
    attention = selectors.tablet_attention(counter=counter, window_minutes=window)
    invitation = services.invitation_onsite(attention=attention) if attention else None
    if invitation is None or invitation.responded_at is not None:
        return render(request, "surveys/tablet_waiting.html", {"center": device.center, "counter": counter})
    token = invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)
    return _form_render(request, invitation, token, tablet=device.center.slug)
