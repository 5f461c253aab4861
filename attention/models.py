"""The in-person channel: queues, tickets, counter sessions, the Attention record, device tokens."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment, OutboundMessage
from centers.models import Center, Counter, Language
from procedures.models import Entity, Procedure, Requirement

from .constants import (
    AgeBand,
    Channel,
    CitizenIntent,
    CounterSessionStatus,
    DeviceKind,
    Gender,
    Outcome,
    PriorityNeed,
    TicketMessageKind,
    TicketStatus,
)


class Queue(models.Model):
    """The line of one entity's procedures at a center; its prefix starts the ticket codes (B-023)."""

    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.CASCADE, related_name="queues")
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="queues")
    prefix = models.CharField(_("prefix"), max_length=2, help_text=_("One or two capital letters, e.g. 'B'."))
    remote_tickets = models.BooleanField(
        _("remote tickets"),
        default=False,
        help_text=_("Citizens may join this queue from their phone (for procedures that allow it)."),
    )

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["center", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["center", "entity"], name="queue_unique_center_entity"),
            models.UniqueConstraint(fields=["center", "prefix"], name="queue_unique_center_prefix"),
            models.CheckConstraint(condition=models.Q(prefix__regex=r"^[A-Z]{1,2}$"), name="queue_prefix_letters"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.entity.short_name}"


class TicketNumber(models.Model):
    """The last number given in a queue prefix at a center on a day (bumped atomically by ticket_issue)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    service_day = models.DateField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "service_day", "prefix"], name="ticket_number_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.service_day:%Y-%m-%d}: {self.last}"


class Ticket(models.Model):
    """A citizen's place in a center's queue for one day; it keeps its code and arrival time across transfers.

    Indexes are few on purpose: every call and finish rewrites the row into each of them (the status is in
    partial indexes, so never a HOT update). Foreign keys only looked up when their row is deleted (queue,
    procedure, language, counters, the greeter) have none; the composite ones cover the center, and
    ticket_one_at_counter the ticket in progress at a counter."""

    # Indexed by the composite indexes below, which all begin with it (one index less to write on every call).
    center = models.ForeignKey(
        Center, verbose_name=_("center"), on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    service_day = models.DateField(_("day"))
    prefix = models.CharField(_("prefix"), max_length=2)
    number = models.PositiveIntegerField(_("number"))
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        related_name="ticket",
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField(
        _("appointment time"), null=True, blank=True, help_text=_("Empty for walk-ins and late arrivals.")
    )
    preferential_reason = models.CharField(
        _("preferential attention"), max_length=12, choices=PriorityNeed.choices, default=PriorityNeed.NONE
    )
    language = models.ForeignKey(
        Language,
        verbose_name=_("language need"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("Empty: Spanish."),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    arrived_at = models.DateTimeField(_("arrived at"), help_text=_("Kept across transfers: it orders the queue."))
    queued_at = models.DateTimeField(
        _("in this queue since"), help_text=_("Issue or last transfer: waits count from it.")
    )
    target_counter = models.ForeignKey(
        Counter,
        verbose_name=_("transferred to counter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("counter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("The counter that called it last."),
        db_index=False,  # ticket_one_at_counter: the ticket in progress at a counter
    )
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("times called again"), default=0)
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the kiosk."),
        db_index=False,
    )
    # Remote tickets (joined from a phone at /fila/<center>/): the contact data is kept only while the ticket holds a
    # place (attention.services.remote clears it when the ticket ends, and the beat clears what a day left).
    joined_remotely = models.BooleanField(_("joined from a phone"), default=False)
    contact_phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    document_digest = models.CharField(
        _("document digest"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("A keyed digest, never the number."),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-service_day", "arrived_at"]
        permissions = [
            ("issue_ticket", _("Can issue tickets and check in appointments")),
            ("serve_ticket", _("Can call and serve tickets at a counter")),
            ("supervise_queue", _("Can watch a center's queues")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "service_day", "prefix", "number"], name="ticket_unique_code_per_center_day"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["called", "serving"]) | models.Q(counter__isnull=False),
                name="ticket_at_counter_has_counter",
            ),
            # One ticket at a time at a counter (services.calling checks it under the session's lock; the database
            # refuses a second one whatever the path). Its index also finds what a counter has in progress: every
            # call checks it, and a counter keeps its old tickets.
            models.UniqueConstraint(
                fields=["counter"], condition=models.Q(status__in=["called", "serving"]), name="ticket_one_at_counter"
            ),
            # One open remote ticket per mobile number and per document at a center (abuse limit).
            models.UniqueConstraint(
                fields=["center", "service_day", "contact_phone"],
                condition=models.Q(joined_remotely=True, status__in=["waiting", "called", "serving"])
                & ~models.Q(contact_phone=""),
                name="ticket_one_open_remote_per_phone",
            ),
            models.UniqueConstraint(
                fields=["center", "service_day", "document_digest"],
                condition=models.Q(joined_remotely=True, status__in=["waiting", "called", "serving"])
                & ~models.Q(document_digest=""),
                name="ticket_one_open_remote_per_document",
            ),
        ]
        indexes = [
            # call next: the waiting tickets of a center's day
            models.Index(
                fields=["center", "service_day", "arrived_at"],
                condition=models.Q(status="waiting"),
                name="ticket_waiting",
            ),
            models.Index(fields=["center", "service_day", "called_at"], name="ticket_called"),
            # The call-next rule's three kinds of waiting tickets, each in its own call order
            # (attention.selectors.eligibility._first_candidates_sql).
            models.Index(
                fields=["center", "service_day", "arrived_at", "id"],
                condition=models.Q(status="waiting") & ~models.Q(preferential_reason="none"),
                name="ticket_waiting_preferential",
            ),
            models.Index(
                fields=["center", "service_day", "due_at", "id"],
                condition=models.Q(status="waiting", preferential_reason="none", due_at__isnull=False),
                name="ticket_waiting_due",
            ),
            models.Index(
                fields=["center", "service_day", "arrived_at", "id"],
                condition=models.Q(status="waiting", preferential_reason="none", due_at__isnull=True),
                name="ticket_waiting_walk_in",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.prefix}-{self.number:03d}"

    @property
    def is_preferential(self) -> bool:
        return self.preferential_reason != PriorityNeed.NONE

    @property
    def upcoming_steps(self) -> list["ItineraryStep"]:
        """The itinerary's steps after the current one (reads `steps`; prefetch them for lists)."""
        return [step for step in self.steps.all() if step.done_at is None][1:]


class ItineraryStep(models.Model):
    """One procedure of a visit's ordered itinerary at one center; the ticket serves its steps one after another."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("itinerary step")
        verbose_name_plural = _("itinerary steps")
        ordering = ["ticket", "position"]
        constraints = [models.UniqueConstraint(fields=["ticket", "position"], name="itinerary_step_unique_position")]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.procedure}"


class TicketMessage(OutboundMessage):
    """A message about a remote ticket (its link when taken, "your turn is near"), by SMS or e-mail, claimed
    atomically before it is sent; one per ticket, kind and channel, ever."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=8, choices=TicketMessageKind.choices)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "channel"], name="ticket_message_once_per_kind")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True, skipped_at__isnull=True),
                name="ticket_message_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) — {self.ticket_id}"

    @property
    def message_key(self) -> str:
        """The same for every attempt at this message: its Message-ID (e-mail) and idempotency key (SMS)."""
        return f"ticket-message-{self.pk}"


class CounterSession(models.Model):
    """An agent working at a counter, from opening to closing it; at most one open per counter and per agent."""

    counter = models.ForeignKey(Counter, verbose_name=_("counter"), on_delete=models.PROTECT, related_name="sessions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="counter_sessions"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CounterSessionStatus.choices, default=CounterSessionStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("counter session")
        verbose_name_plural = _("counter sessions")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter"], condition=~models.Q(status="closed"), name="counter_session_one_open_per_counter"
            ),
            models.UniqueConstraint(
                fields=["agent"], condition=~models.Q(status="closed"), name="counter_session_one_open_per_agent"
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False) | ~models.Q(status="closed"),
                name="counter_session_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter.label} — {self.agent}"


class Attention(models.Model):
    """One service act to one citizen on one channel, with its times and outcome: the raw material of indicators.

    Wait = called_at - issued_at; service = finished_at - started_at (or - called_at when never started)."""

    # center and procedure: indexed by attention_center_day and attention_procedure_day, which begin with them.
    # Written twice per visit (call, finish): foreign keys only looked up when their row is deleted have no index.
    center = models.ForeignKey(
        Center, verbose_name=_("service point"), on_delete=models.PROTECT, related_name="attentions", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON)
    service_day = models.DateField(_("day"))
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="attentions", db_index=False
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("counter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attentions",
        db_index=False,
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attentions",
        db_index=False,
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True, related_name="attentions"
    )
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attentions",
        db_index=False,  # attention_appointment: the attentions that have one
    )
    preferential_reason = models.CharField(
        _("preferential attention"), max_length=12, choices=PriorityNeed.choices, default=PriorityNeed.NONE
    )
    language = models.ForeignKey(
        Language,
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    intent = models.CharField(
        _("citizen intent"),
        max_length=12,
        choices=CitizenIntent.choices,
        default=CitizenIntent.PROCEDURE,
        help_text=_("Copied from the procedure when the attention starts; the phone operator may set another."),
    )
    # Segments for indicators (aggregates only): copied from the appointment when the citizen consented to them.
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    issued_at = models.DateTimeField(_("issued at"), help_text=_("When the citizen joined the queue."))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    missing_requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("missing requirement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # attention_missing_requirement: the attentions that name one
    )
    outcome_note = models.CharField(_("note"), max_length=250, blank=True)
    import_key = models.CharField(
        _("import key"),
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "For historic attentions loaded from a file: a digest of the row, so a re-import adds nothing; for the"
            " virtual channel's service acts: appointment:<id>:<action>, so each is recorded once."
        ),
    )

    class Meta:
        verbose_name = _("attention")
        verbose_name_plural = _("attentions")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True, outcome="")
                | models.Q(finished_at__isnull=False) & ~models.Q(outcome=""),
                name="attention_finished_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(missing_requirement__isnull=True) | models.Q(outcome="not_resolved"),
                name="attention_missing_requirement_only_not_resolved",
            ),
            # Only the attentions that have a key (imports, the virtual channel) are in its index: a counter's
            # attention (none) is not written into it. reports.services.imports' ON CONFLICT names this predicate.
            models.UniqueConstraint(
                fields=["import_key"], condition=models.Q(import_key__isnull=False), name="attention_import_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["center", "service_day"], name="attention_center_day"),
            models.Index(fields=["procedure", "service_day"], name="attention_procedure_day"),
            models.Index(
                fields=["appointment"], condition=models.Q(appointment__isnull=False), name="attention_appointment"
            ),
            models.Index(
                fields=["missing_requirement"],
                condition=models.Q(missing_requirement__isnull=False),
                name="attention_missing_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} @ {self.center} ({self.service_day:%Y-%m-%d})"


class DeviceToken(models.Model):
    """Authorises a kiosk or a waiting-room screen for one center; only the token's SHA-256 is stored."""

    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(_("kind"), max_length=8, choices=DeviceKind.choices)
    name = models.CharField(_("name"), max_length=80, help_text=_("Where it is, e.g. 'Entrance kiosk 1'."))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["center", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class GreeterScreen(Ticket):
    """Admin entry point of the greeter's screen (issue tickets, check in appointments); no table of its own."""

    class Meta:
        proxy = True
        verbose_name = _("greeter screen")
        verbose_name_plural = _("greeter screen")


class CounterScreen(Ticket):
    """Admin entry point of the counter agent's screen (call, serve, transfer)."""

    class Meta:
        proxy = True
        verbose_name = _("counter screen")
        verbose_name_plural = _("counter screen")


class SupervisionScreen(Ticket):
    """Admin entry point of the supervisor's screen (queues, counters, service standards, today's totals)."""

    class Meta:
        proxy = True
        verbose_name = _("supervision")
        verbose_name_plural = _("supervision")


class KioskRequest(models.Model):
    """One rendered kiosk page's request key and the ticket it issued: a double tap, or a POST retried on a flaky
    network, finds the ticket already issued instead of issuing a second (attention.services.kiosk)."""

    device = models.ForeignKey(
        DeviceToken, verbose_name=_("device"), on_delete=models.CASCADE, related_name="kiosk_requests"
    )
    key = models.CharField(_("request key"), max_length=64)
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, null=True, related_name="kiosk_request"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kiosk request")
        verbose_name_plural = _("kiosk requests")
        constraints = [models.UniqueConstraint(fields=["device", "key"], name="kioskrequest_unique_device_key")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.key}"
