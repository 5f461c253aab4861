"""Staff login on top of the default admin site: two-factor (django-otp TOTP + backup codes) for staff who can see
personal data, and staff sessions shorter than citizens'. Password lockout is django-axes (settings only).

The admin site instance is not replaced (every app registers its ModelAdmins and custom views on it):
`mac_portal.apps` wraps its `has_permission`, and `middleware.StaffSessionMiddleware` sends unverified staff to
the verification or enrolment page.
"""
