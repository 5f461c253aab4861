"""The surveys permissions of each staff role (see centers.roles); registered in SurveysConfig.ready."""

from centers.constants import StaffRole
from centers.roles import ALL_ACTIONS, role_permissions_register


def register() -> None:
    results = {"surveys.view_response", "surveys.view_resultsscreen"}
    role_permissions_register(
        permissions={
            StaffRole.SUPERVISOR: results | {"surveys.view_invitation"},
            StaffRole.ANALYST: results | {"surveys.view_survey", "surveys.view_invitation"},
            StaffRole.ADMINISTRATOR: {
                f"surveys.{action}_{model}"
                for model in ("survey", "question", "centersampling", "invitation", "response", "optout")
                for action in ALL_ACTIONS
            }
            | results,
        }
    )
