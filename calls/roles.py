"""The phone line's permissions of each staff role (see centers.roles); registered in CallsConfig.ready."""

from centers.constants import StaffRole
from centers.roles import role_permissions_register


def register() -> None:
    phone = {"calls.operate_phone", "calls.view_call"}
    role_permissions_register(permissions={StaffRole.PHONE_OPERATOR: phone, StaffRole.ADMINISTRATOR: phone})
