"""Two-factor pages of the admin: verify this session, or enrol an authenticator app (first login)."""

import django_otp
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice

from . import otp
from .forms import TokenForm


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("admin:index")


def _context(request: HttpRequest, **extra) -> dict:
    return {**admin.site.each_context(request), "next": _next_url(request), **extra}


def staff_member_login_required(view):
    return login_required(view, login_url="admin:login")


@never_cache
@sensitive_post_parameters("token")
@staff_member_login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the admin login: a code from the authenticator app, or a backup code (each works once)."""
    if not request.user.is_staff:
        return HttpResponseRedirect(reverse("admin:login"))
    if not otp.staff_otp_has_device(request.user):
        return HttpResponseRedirect(f"{reverse('staff:otp-enrol')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = otp.staff_otp_match(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You used a backup code; %(count)d left. Ask an administrator to reset your devices if you "
                        "lost your phone."
                    )
                    % {"count": otp.staff_otp_backup_codes_left(user=request.user)},
                )
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Wait for the next code and try again."))
    return render(request, "staff/otp_verify.html", _context(request, form=form, title=_("Two-step verification")))


@never_cache
@sensitive_post_parameters("token")
@staff_member_login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First login: scan the QR code (or type the secret) into an authenticator app, confirm with a code it shows,
    then note the backup codes, shown this once. Someone who already has a device verifies instead: a password alone
    never adds a device."""
    if not request.user.is_staff:
        return HttpResponseRedirect(reverse("admin:login"))
    if otp.staff_otp_has_device(request.user):
        return HttpResponseRedirect(f"{reverse('staff:otp-verify')}?{request.GET.urlencode()}")
    device = otp.staff_otp_enrolment_start(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        confirmed = otp.staff_otp_enrolment_confirm(user=request.user, token=form.cleaned_data["token"])
        if confirmed is not None:
            device, codes = confirmed
            django_otp.login(request, device)
            return render(
                request,
                "staff/otp_backup_codes.html",
                _context(request, codes=codes, title=_("Your backup codes")),
            )
        form.add_error("token", _("That code is not valid. Check the time of your phone and try the next code."))
    return render(
        request,
        "staff/otp_enrol.html",
        _context(
            request,
            form=form,
            qr_svg=otp.totp_qr_svg(device),
            secret=otp.totp_secret(device),
            title=_("Set up two-step verification"),
        ),
    )


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429 and how long the lock lasts, in the admin's look."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request,
        "staff/locked_out.html",
        {**admin.site.each_context(request), "cooloff_minutes": minutes, "title": _("Login locked")},
        status=429,
    )
