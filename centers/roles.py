"""Which permissions each staff role's Django group holds.

Every app registers the permissions its own screens need (in its AppConfig.ready), so this layer never names
the models of the apps above it; `centers.services.staff_groups_sync` (run after every migrate) then gives each
role's group exactly the registered permissions.
"""

from collections.abc import Iterable, Mapping

from .constants import StaffRole

# role -> {"app_label.codename", ...}; filled by role_permissions_register at start-up.
ROLE_PERMISSIONS: dict[str, set[str]] = {role.value: set() for role in StaffRole}


def role_permissions_register(*, permissions: Mapping[str, Iterable[str]]) -> None:
    """Add permissions ("app_label.codename") to roles; idempotent (sets)."""
    for role, names in permissions.items():
        ROLE_PERMISSIONS[StaffRole(role).value].update(names)


def _model_permissions(app_label: str, models: Iterable[str], actions: Iterable[str]) -> set[str]:
    return {f"{app_label}.{action}_{model}" for model in models for action in actions}


ALL_ACTIONS = ("add", "change", "delete", "view")

# The permissions of this app's own models.
role_permissions_register(
    permissions={
        StaffRole.SUPERVISOR: _model_permissions("centers", ["center", "counter"], ["view"]),
        StaffRole.COUNTER_AGENT: _model_permissions("centers", ["counter"], ["view"]),
        StaffRole.ANALYST: _model_permissions("centers", ["center", "offering", "counter"], ["view"]),
        StaffRole.ADMINISTRATOR: _model_permissions(
            "centers",
            ["center", "offering", "openinghours", "closure", "counter", "language", "staffmembership"],
            ALL_ACTIONS,
        )
        | {"auth.view_user", "auth.add_user", "auth.change_user", "centers.view_personaldataaccess"},
    }
)
