"""Test support for the citizen booking pages: read the HTML forms of a page and submit them as a browser without
JavaScript would (hidden fields, checked boxes and radios, selected options), so every step is proven to be a
plain HTML form.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments.tests.factories import appointment_create


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    radios: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # name -> [(value, disabled)]
    buttons: list[dict[str, str]] = field(default_factory=list)
    classes: str = ""

    def data(self, **values: str | None) -> dict[str, str | list[str]]:
        """The fields a browser would send, with `values` typed in (None removes a field)."""
        data: dict[str, str | list[str]] = {}
        for name, value in self.fields:
            data[name] = value
        for name, value in values.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    def submit(self, client: Client, *, button: str | None = None, **values: str | None):
        """Send the form (with the named button's formaction/name/value when given)."""
        data = self.data(**values)
        action = self.action
        if button is not None:
            chosen = next(b for b in self.buttons if b["text"] == button)
            action = chosen.get("formaction") or action
            if chosen.get("name"):
                data[chosen["name"]] = chosen.get("value", "")
        if self.method == "post":
            return client.post(action, data)
        path, query = urlsplit(action).path, dict(parse_qsl(urlsplit(action).query))
        return client.get(path, {**query, **data})


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self._button: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=a.get("action", ""), method=a.get("method", "get").lower(), classes=a.get("class", "")
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind == "radio":
                form.radios.setdefault(name, []).append((a.get("value", "on"), "disabled" in a))
                if "checked" in a and "disabled" not in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in a and "disabled" not in a:
                    form.fields.append((name, a.get("value", "on")))
            elif "disabled" not in a:
                form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select, self._select_value, self._select_first = a.get("name"), None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
        elif tag == "button":
            self._button = {**a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "select" and form is not None and self._select:
            value = self._select_value if self._select_value is not None else self._select_first
            form.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and form is not None and self._textarea:
            form.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "button" and form is not None and self._button is not None:
            self._button["text"] = " ".join(self._button["text"].split())
            form.buttons.append(self._button)
            self._button = None


def forms_in(response) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def form_to(response, action: str) -> HtmlForm:
    """The page's form that submits to `action` (a path; the language switcher and search boxes are skipped)."""
    matches = [form for form in forms_in(response) if urlsplit(form.action).path == action]
    assert matches, f"no form to {action} in the page"
    return matches[0]


# Valid data for the citizen form, as typed.
CITIZEN_INPUT = {
    "document_type": "dni",
    "document_number": "10117410",
    "full_name": "Rosa María Quispe Mamani",
    "email": "rosa@example.pe",
    "phone": "987 654 321",
    "preferred_language": "qu",
    "priority_need": "none",
    "consent": "on",
}

NEW_URL = reverse("appointments:new")
DETAILS_URL = reverse("appointments:details")
BOOK_URL = reverse("appointments:book")
MANAGE_URL = reverse("appointments:manage")


def fill(slot, n: int = 50):
    """Book every free place of a slot for other citizens."""
    slot.refresh_from_db()
    for i in range(slot.capacity - slot.booked):
        appointment_create(slot=slot, n=n + i)


def step_url(procedure, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"procedure": procedure.slug, **params}.items())
    return f"{NEW_URL}?{query}"


def details_page(client, procedure, center, slot):
    day = timezone.localdate(slot.starts_at).isoformat()
    return client.get(DETAILS_URL, {"procedure": procedure.slug, "center": center.slug, "day": day, "slot": slot.pk})


def followed(client, response):
    """The page a browser shows after a 303 (Post/Redirect/Get), or the response itself."""
    while response.status_code in (302, 303):
        response = client.get(response["Location"])
    return response


def review_page(client, procedure, center, slot, **citizen):
    """The review: the data step's POST answers 303 to it (Post/Redirect/Get)."""
    page = details_page(client, procedure, center, slot)
    posted = form_to(page, DETAILS_URL).submit(client, **{**CITIZEN_INPUT, **citizen})
    assert posted.status_code == 303, posted.status_code
    return followed(client, posted)


def request_of(client: Client):
    """A request carrying the test client's cookies (its browser cookie)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def lock_taken(client: Client, token: str):
    """Another request of this browser takes the draft's booking lock, with its reads, as a booking page does:
    (state, whether it took the lock)."""
    from appointments.views.drafts import draft_claimed, draft_lock_claim
    from common.cache import resilient_cache

    claim = draft_lock_claim(token, also=[])
    resilient_cache.count_add_get([], claim)
    state, locked, _found = draft_claimed(request_of(client), token, claim)
    return state, locked
