"""Satisfaction surveys: versioned definitions per channel, invitations (messages sent once), anonymous responses."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attention.models import Attention
from centers.models import Center

from .constants import Channel, Delivery, Dimension


class Survey(models.Model):
    """One version of a channel's questionnaire; frozen once it has responses (a change makes a new version)."""

    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The version new invitations use; one per channel.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["channel", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "version"], name="survey_unique_channel_version"),
            models.UniqueConstraint(
                fields=["channel"], condition=models.Q(is_active=True), name="survey_one_active_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Question(models.Model):
    """One aspect of a dimension, asked twice on the 1–7 scale: what the citizen expected and what they got."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    text = models.CharField(_("question"), max_length=250, help_text=_("E.g. 'The time it took to be served'."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class CenterSampling(models.Model):
    """The share of a service point's finished attentions whose citizen is invited (default: SURVEYS_SAMPLING_SHARE)."""

    center = models.OneToOneField(
        Center, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="survey_sampling"
    )
    share = models.DecimalField(
        _("share invited"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (nobody) to 1 (everyone), e.g. 0.25 invites one citizen in four."),
    )

    class Meta:
        verbose_name = _("survey sampling")
        verbose_name_plural = _("survey sampling")
        ordering = ["center"]
        constraints = [
            models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=1), name="center_sampling_share_range")
        ]

    def __str__(self) -> str:
        return f"{self.center}: {self.share}"


class Invitation(models.Model):
    """The survey offered for one attention: a message sent once (e-mail or SMS) or offered on the spot.

    It keeps no contact data: the message goes to the appointment's address when it is sent; only keyed hashes of
    the contact (`email_hash`, `phone_hash`) stay, for the one-invitation-per-N-days rule and the opt-out.
    """

    attention = models.OneToOneField(
        Attention, verbose_name=_("attention"), on_delete=models.CASCADE, related_name="survey_invitation"
    )
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="invitations")
    nonce = models.CharField(_("nonce"), max_length=32, editable=False)
    delivery = models.CharField(_("delivery"), max_length=6, choices=Delivery.choices)
    email_hash = models.CharField(_("e-mail hash"), max_length=64, blank=True, editable=False)
    phone_hash = models.CharField(_("mobile hash"), max_length=64, blank=True, editable=False)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, help_text=_("Empty: not sent by message."))
    expires_at = models.DateTimeField(_("expires at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sending_at = models.DateTimeField(_("handed to the provider at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery="onsite", due_at__isnull=True) | ~models.Q(delivery="onsite"),
                name="invitation_onsite_not_sent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(due_at__isnull=False, sent_at__isnull=True, skipped_at__isnull=True),
                name="invitation_pending_due",
            ),
            models.Index(fields=["email_hash", "created_at"], name="invitation_email_recent"),
            models.Index(fields=["phone_hash", "created_at"], name="invitation_phone_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.attention_id}"

    @property
    def message_key(self) -> str:
        """The same for every attempt at this message: its Message-ID (e-mail) and idempotency key (SMS)."""
        return f"survey-invitation-{self.pk}"


class OptOut(models.Model):
    """A contact that asked never to be invited again (Ley 29733: honoured forever); only its keyed hash is kept."""

    contact_hash = models.CharField(_("contact hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return self.contact_hash[:12]


class Response(models.Model):
    """One citizen's answers to one invitation; no contact data (the attention gives center, procedure, channel,
    counter and day, never the person)."""

    invitation = models.OneToOneField(
        Invitation, verbose_name=_("invitation"), on_delete=models.PROTECT, related_name="response"
    )
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses")
    attention = models.OneToOneField(
        Attention, verbose_name=_("attention"), on_delete=models.PROTECT, related_name="survey_response"
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.survey} — {self.submitted_at:%Y-%m-%d}"


class Answer(models.Model):
    """Expectation and perception (1–7) of one question in one response."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    expectation = models.PositiveSmallIntegerField(_("expectation"))
    perception = models.PositiveSmallIntegerField(_("perception"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question"),
            models.CheckConstraint(
                condition=models.Q(expectation__gte=1, expectation__lte=7, perception__gte=1, perception__lte=7),
                name="answer_scale_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: E{self.expectation} P{self.perception}"


class ResultsScreen(Response):
    """Admin entry point of the indicators screen (per dimension, for the staff member's centers); no table."""

    class Meta:
        proxy = True
        verbose_name = _("satisfaction results")
        verbose_name_plural = _("satisfaction results")
