"""The final POST raced by the same browser on real PostgreSQL connections: a triple tap on a slow phone."""

import threading

import pytest
from django.db import connection
from django.test import Client

from appointments.models import Appointment
from appointments.tests.pages import BOOK_URL, followed, form_to, review_page
from appointments.tests.utils import slot_at

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def test_three_identical_final_posts_at_once_all_land_on_the_same_confirmation(client, schedule, procedure, center):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review_form = form_to(review_page(client, procedure, center, slot), BOOK_URL)
    cookies = client.cookies
    start = threading.Barrier(3)
    answers: list = []

    def tap() -> None:
        browser = Client(REMOTE_ADDR=client.defaults["REMOTE_ADDR"])
        browser.cookies = cookies  # the same browser: same cookies, same draft
        try:
            start.wait(timeout=30)
            response = review_form.submit(browser, button="Confirmar y reservar")
            answers.append((response.status_code, response["Location"], browser))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    appointment = Appointment.objects.get()
    confirmation = f"/citas/confirmacion/{appointment.code}/"
    assert [status for status, _location, _browser in answers] == [303, 303, 303]
    # Each answer is the confirmation or the review (still booking at that moment), which now leads there.
    for _status, location, browser in answers:
        landed = followed(browser, browser.get(location)) if location != confirmation else browser.get(location)
        assert landed.status_code == 200 and appointment.code_display in landed.content.decode()
    slot.refresh_from_db()
    assert slot.booked == 1
