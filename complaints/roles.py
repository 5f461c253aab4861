"""The complaints permissions of each staff role (see centers.roles); registered in ComplaintsConfig.ready.

Supervisors read and answer their centers' complaints; administrators every center's. Analysts read the indicators
(complaints.selectors, through reports), never the complaints themselves: they hold citizens' personal data.
"""

from centers.constants import StaffRole
from centers.roles import role_permissions_register


def register() -> None:
    handle = {"complaints.view_complaint", "complaints.answer_complaint"}
    role_permissions_register(
        permissions={
            StaffRole.SUPERVISOR: handle,
            StaffRole.ADMINISTRATOR: handle | {"complaints.view_complaintmessage"},
        }
    )
