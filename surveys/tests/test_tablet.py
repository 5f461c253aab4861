"""The counter's tablet (/encuesta/centro/<center>/): a device token like the kiosk's; it shows the survey of the
attention just finished at its counter, and nothing to a device of another center."""

import time_machine
from django.urls import reverse

from attention.constants import DeviceKind
from attention.services import device_token_create
from attention.tests.conftest import at
from centers.tests.factories import CenterFactory
from surveys.models import Response

from .factories import link_token, serve


def _authorised(client, center, kind=DeviceKind.SURVEY):
    _device, token = device_token_create(center=center, kind=kind, name="Tableta V-01")
    url = reverse("surveys:tablet", kwargs={"slug": center.slug})
    first = client.get(url, {"token": token})
    assert first.status_code == 302 and "token" not in first["Location"]
    return url


def test_the_tablet_asks_the_citizen_just_served_at_its_counter(client, floor, surveys):
    url = _authorised(client, floor.center)
    setup = client.get(url)
    assert setup.status_code == 200 and "Ventanilla V-01" in setup.content.decode()
    assert client.get(url, {"ventanilla": floor.reniec_counter.pk}).status_code == 302

    with time_machine.travel(at(10, 5), tick=False):
        waiting = client.get(url)
    assert waiting.status_code == 200 and "Gracias por su visita" in waiting.content.decode()
    assert '<meta http-equiv="refresh" content="10">' in waiting.content.decode()

    attention = serve(floor, finished=at(10, 10))  # a walk-in: no contact data, asked on the spot
    with time_machine.travel(at(10, 11), tick=False):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200 and "La limpieza del centro" in html
        assert "No quiero recibir invitaciones" not in html  # no opt-out on a shared tablet
        token = link_token(html)
        data = {f"q{q.pk}_{k}": "6" for q in attention.survey_invitation.survey.questions.all() for k in "ep"}
        data["tablet"] = floor.center.slug
        done = client.post(reverse("surveys:respond", kwargs={"token": token}), data)
        assert done.status_code == 303 and done["Location"].endswith(f"?centro={floor.center.slug}")
        thanks = client.get(done["Location"])
        assert f'content="8;url=/encuesta/centro/{floor.center.slug}/"' in thanks.content.decode()
        after = client.get(url)
    assert "Gracias por su visita" in after.content.decode()  # answered: back to waiting
    assert Response.objects.get().attention == attention

    with time_machine.travel(at(10, 30), tick=False):  # another finished attention, long ago: not shown
        assert "Gracias por su visita" in client.get(url).content.decode()


def test_a_device_of_another_center_or_kind_is_refused(client, floor, surveys):
    other = CenterFactory(name="Centro MAC Callao")
    _authorised(client, other)
    assert client.get(reverse("surveys:tablet", kwargs={"slug": floor.center.slug})).status_code == 403
    kiosk_client = client.__class__()
    _device, token = device_token_create(center=floor.center, kind=DeviceKind.KIOSK, name="Kiosko")
    page = kiosk_client.get(reverse("surveys:tablet", kwargs={"slug": floor.center.slug}), {"token": token})
    assert page.status_code == 403


def test_a_counter_of_another_center_cannot_be_chosen(client, floor, surveys):
    from centers.tests.factories import CounterFactory

    url = _authorised(client, floor.center)
    foreign = CounterFactory(center=CenterFactory(name="Centro MAC Piura"), entity=floor.dni.entity, label="P-01")
    page = client.get(url, {"ventanilla": foreign.pk})
    assert page.status_code == 200 and "Elija la ventanilla" in page.content.decode()
