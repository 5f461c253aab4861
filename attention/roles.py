"""The attention permissions of each staff role (see centers.roles); registered in AttentionConfig.ready."""

from centers.constants import StaffRole
from centers.roles import ALL_ACTIONS, role_permissions_register


def register() -> None:
    view = {"attention.view_ticket", "attention.view_attention"}
    role_permissions_register(
        permissions={
            StaffRole.GREETER: {"attention.issue_ticket", "attention.view_ticket"},
            StaffRole.COUNTER_AGENT: view | {"attention.serve_ticket"},
            StaffRole.SUPERVISOR: view
            | {
                "attention.issue_ticket",
                "attention.serve_ticket",
                "attention.supervise_queue",
                "attention.view_countersession",
                "attention.view_queue",
                "attention.change_queue",
            },
            StaffRole.ANALYST: {"attention.view_attention", "attention.supervise_queue"},
            StaffRole.ADMINISTRATOR: {
                f"attention.{action}_{model}"
                for model in ("queue", "ticket", "countersession", "attention", "devicetoken")
                for action in ALL_ACTIONS
            }
            | {"attention.issue_ticket", "attention.serve_ticket", "attention.supervise_queue"},
        }
    )
