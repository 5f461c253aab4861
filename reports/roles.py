"""The reports permissions of each staff role (see centers.roles); registered in ReportsConfig.ready."""

from centers.constants import StaffRole
from centers.roles import role_permissions_register

VIEW = "reports.view_indicators"
IMPORT = "reports.import_attentions"


def register() -> None:
    role_permissions_register(
        permissions={
            StaffRole.SUPERVISOR: {VIEW},
            StaffRole.ANALYST: {VIEW},
            StaffRole.ADMINISTRATOR: {VIEW, IMPORT},
        }
    )
