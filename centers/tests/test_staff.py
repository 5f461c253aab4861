import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.urls import reverse

from centers.constants import StaffRole
from centers.models import StaffMembership
from centers.selectors import (
    staff_center_ids,
    staff_has_role,
    staff_may_search_country,
    staff_member_center_ids,
    staff_sees_all_centers,
)
from centers.services import staff_groups_sync, staff_membership_grant, staff_membership_revoke
from centers.tests.factories import CenterFactory, CounterFactory, staff_user_create
from common.errors import InvalidInput
from conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def callao():
    return CenterFactory(name="Centro MAC Callao", code="MAC-CALLAO")


@pytest.fixture
def piura():
    return CenterFactory(name="Centro MAC Piura", code="MAC-PIURA")


def test_each_role_is_a_group_with_its_permissions():
    staff_groups_sync()
    staff_groups_sync()  # idempotent
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions__content_type")}
    assert set(StaffRole.values) <= set(groups)
    perms = {
        name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for name, group in groups.items()
    }
    assert "centers.change_staffmembership" in perms["administrator"]
    assert not any("staffmembership" in p for role in StaffRole.values if role != "administrator" for p in perms[role])
    assert "appointments.view_appointment" in perms["counter_agent"]
    assert "appointments.view_appointment" not in perms["analyst"]  # aggregates only, no personal data


def test_granting_a_role_makes_staff_in_the_group_and_revoking_takes_it_back(callao):
    user = staff_user_create(role=StaffRole.COUNTER_AGENT, center=callao)
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["counter_agent"]
    assert user.has_perm("appointments.view_appointment")
    staff_membership_revoke(membership=StaffMembership.objects.get(user=user))
    assert not user.groups.exists()


def test_a_center_role_needs_a_center_and_memberships_are_unique(callao):
    user = staff_user_create(role=StaffRole.GREETER, center=callao)
    with pytest.raises(InvalidInput):
        staff_membership_grant(user=user, role=StaffRole.SUPERVISOR)
    staff_membership_grant(user=user, role=StaffRole.GREETER, center=callao)  # idempotent
    assert StaffMembership.objects.filter(user=user).count() == 1
    admin = staff_user_create(role=StaffRole.ADMINISTRATOR)
    with pytest.raises(IntegrityError):
        StaffMembership.objects.create(user=admin, center=None, role=StaffRole.ADMINISTRATOR)


def test_a_center_role_without_a_center_is_refused_by_the_database(callao):
    user = staff_user_create(role=StaffRole.GREETER, center=callao)
    with pytest.raises(IntegrityError):
        StaffMembership.objects.create(user=user, center=None, role=StaffRole.GREETER)


def test_which_centers_each_role_sees(callao, piura, django_user_model):
    clerk = staff_user_create(role=StaffRole.COUNTER_AGENT, center=callao)
    assert staff_center_ids(user=clerk) == [callao.pk]
    assert not staff_sees_all_centers(user=clerk) and not staff_may_search_country(user=clerk)
    assert staff_has_role(user=clerk, center_id=callao.pk, roles=[StaffRole.COUNTER_AGENT])
    assert not staff_has_role(user=clerk, center_id=callao.pk, roles=[StaffRole.SUPERVISOR])
    assert not staff_has_role(user=clerk, center_id=piura.pk, roles=[StaffRole.COUNTER_AGENT])

    analyst = staff_user_create(role=StaffRole.ANALYST)
    assert set(staff_center_ids(user=analyst)) == {callao.pk, piura.pk}
    assert staff_member_center_ids(user=analyst) == []  # reads everything, acts nowhere
    assert not staff_may_search_country(user=analyst)

    administrator = staff_user_create(role=StaffRole.ADMINISTRATOR)
    assert set(staff_center_ids(user=administrator)) == {callao.pk, piura.pk}
    assert staff_may_search_country(user=administrator)
    assert staff_has_role(user=administrator, center_id=piura.pk, roles=[StaffRole.COUNTER_AGENT])

    nobody = django_user_model.objects.create_user(username="nobody", is_staff=True)
    assert staff_center_ids(user=nobody) == []


def test_only_administrators_manage_memberships(client, callao):
    supervisor = staff_user_create(role=StaffRole.SUPERVISOR, center=callao)
    verified_client(supervisor, client)
    assert client.get(reverse("admin:centers_staffmembership_changelist")).status_code == 403
    administrator = staff_user_create(role=StaffRole.ADMINISTRATOR)
    verified_client(administrator, client)
    assert client.get(reverse("admin:centers_staffmembership_changelist")).status_code == 200
    newcomer = staff_user_create(role=StaffRole.GREETER, center=callao, username="nuevo")
    response = client.post(
        reverse("admin:centers_staffmembership_add"),
        {"user": newcomer.pk, "role": StaffRole.SUPERVISOR, "center": callao.pk},
    )
    assert response.status_code == 302
    assert set(newcomer.groups.values_list("name", flat=True)) == {"greeter", "supervisor"}
    response = client.post(reverse("admin:centers_staffmembership_add"), {"user": newcomer.pk, "role": "supervisor"})
    assert response.status_code == 200  # a center role without a center is refused with a message


def test_center_and_counter_screens_are_scoped(client, callao, piura):
    CounterFactory(center=callao, label="CALLAO-01")
    piura_counter = CounterFactory(center=piura, label="PIURA-01")
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=callao), client)
    content = client.get(reverse("admin:centers_counter_changelist")).content.decode()
    assert "CALLAO-01" in content and "PIURA-01" not in content
    response = client.get(reverse("admin:centers_counter_change", args=[piura_counter.pk]))
    assert response.status_code == 302 and "PIURA-01" not in client.get(response.url).content.decode()
    content = client.get(reverse("admin:centers_center_changelist")).content.decode()
    assert "Centro MAC Callao" in content and "Centro MAC Piura" not in content
