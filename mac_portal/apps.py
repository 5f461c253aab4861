from django.apps import AppConfig
from django.apps import apps as django_apps
from django.utils.translation import gettext_lazy as _


class MacPortalConfig(AppConfig):
    name = "mac_portal"
    verbose_name = "MAC Portal"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from centers.constants import StaffRole
        from centers.roles import role_permissions_register

        from .audit import audit_register
        from .staff.middleware import staff_session_start
        from .staff.otp import staff_otp_required

        user_logged_in.connect(staff_session_start, dispatch_uid="mac_portal.staff_session_start")

        # The change history of back-office data: which models, and who may read it (administrators only).
        audit_register()
        django_apps.get_app_config("auditlog").verbose_name = _("Change history")  # the library has no Spanish
        role_permissions_register(permissions={StaffRole.ADMINISTRATOR: {"auditlog.view_logentry"}})

        # The default admin site stays the one instance every app registers on; only its permission check grows:
        # staff who must use two-factor get nothing from it (not even custom views behind admin_view) until their
        # session is verified. StaffSessionMiddleware sends them to the verification page first.
        has_permission = admin.site.has_permission

        def has_verified_permission(request) -> bool:
            if not has_permission(request):
                return False
            user = request.user
            return not staff_otp_required(user) or bool(getattr(user, "is_verified", lambda: False)())

        admin.site.has_permission = has_verified_permission
