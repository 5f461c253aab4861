"""The appointments permissions of each staff role (see centers.roles); registered in AppointmentsConfig.ready."""

from centers.constants import StaffRole
from centers.roles import ALL_ACTIONS, role_permissions_register


def register() -> None:
    view = {"appointments.view_appointment"}
    schedules = {f"appointments.view_{model}" for model in ("schedule", "slot", "slotconflict")}
    role_permissions_register(
        permissions={
            StaffRole.COUNTER_AGENT: view,
            StaffRole.PHONE_OPERATOR: view | {"appointments.change_appointment"},
            StaffRole.SUPERVISOR: view | schedules | {"appointments.change_appointment", "appointments.view_daysheet"},
            # Analysts read capacity, never citizens' personal data.
            StaffRole.ANALYST: schedules,
            StaffRole.ADMINISTRATOR: {
                f"appointments.{action}_{model}"
                for model in ("schedule", "schedulerule", "slot", "appointment", "notification")
                for action in ALL_ACTIONS
            }
            | schedules
            | {"appointments.view_daysheet"},
        }
    )
