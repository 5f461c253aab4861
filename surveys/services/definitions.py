"""Survey definitions: versions per channel, frozen once answered (a change makes a new version)."""

from django.db import transaction
from django.db.models import Max

from ..constants import Channel, Dimension
from ..errors import SurveyFrozen
from ..models import Question, Response, Survey

__all__ = [
    "DEFAULT_SURVEYS",
    "survey_check_editable",
    "survey_defaults_create",
    "survey_is_frozen",
    "survey_new_version",
]


def survey_is_frozen(*, survey: Survey) -> bool:
    """A version with responses never changes, so its results stay comparable."""
    return survey.pk is not None and Response.objects.filter(survey=survey).exists()


def survey_check_editable(*, survey: Survey) -> None:
    if survey_is_frozen(survey=survey):
        raise SurveyFrozen()


@transaction.atomic
def survey_new_version(*, survey: Survey) -> Survey:
    """A copy of `survey` (title, introduction, questions) as the channel's next version, which becomes the active
    one; the old version stays, with its responses, for comparison."""
    Survey.objects.select_for_update().filter(channel=survey.channel).exists()  # one new version at a time
    last = Survey.objects.filter(channel=survey.channel).aggregate(last=Max("version"))["last"] or 0
    Survey.objects.filter(channel=survey.channel, is_active=True).update(is_active=False)
    copy = Survey.objects.create(
        channel=survey.channel, version=last + 1, title=survey.title, intro=survey.intro, is_active=True
    )
    Question.objects.bulk_create(
        Question(survey=copy, dimension=q.dimension, text=q.text, position=q.position)
        for q in survey.questions.order_by("position", "pk")
    )
    return copy


# The first version of each channel's survey (Spanish: survey texts are data, edited in the admin).
DEFAULT_SURVEYS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Channel.IN_PERSON: (
        "Encuesta de satisfacción — Centro MAC",
        [
            (Dimension.ATTENTION_TIME, "El tiempo que esperó y que tomó atenderle"),
            (Dimension.GREETER_COURTESY, "La amabilidad del orientador en la entrada"),
            (Dimension.AGENT_COURTESY, "La amabilidad del asesor en la ventanilla"),
            (Dimension.FAIR_TREATMENT, "El trato justo e igual para todos"),
            (Dimension.CLEANLINESS, "La limpieza del centro"),
            (Dimension.SAFETY, "La seguridad dentro del centro"),
            (Dimension.COMFORT, "La comodidad del centro (asientos, señalización, accesos)"),
            (Dimension.RESULT, "Lograr lo que vino a hacer"),
        ],
    ),
    Channel.PHONE: (
        "Encuesta de satisfacción — Línea telefónica MAC",
        [
            (Dimension.ATTENTION_TIME, "El tiempo que esperó y que duró la llamada"),
            (Dimension.AGENT_COURTESY, "La amabilidad del operador"),
            (Dimension.FAIR_TREATMENT, "El trato justo e igual para todos"),
            (Dimension.RESULT, "Lograr lo que necesitaba con la llamada"),
        ],
    ),
    Channel.VIRTUAL: (
        "Encuesta de satisfacción — Plataforma virtual MAC",
        [
            (Dimension.ATTENTION_TIME, "El tiempo que le tomó hacer su trámite en línea"),
            (Dimension.COMFORT, "La facilidad de uso de la página"),
            (Dimension.SAFETY, "La confianza en el cuidado de sus datos"),
            (Dimension.RESULT, "Lograr lo que vino a hacer"),
        ],
    ),
}


@transaction.atomic
def survey_defaults_create() -> list[Survey]:
    """The first version of each channel's survey, for a channel that has none yet (idempotent)."""
    created = []
    for channel, (title, questions) in DEFAULT_SURVEYS.items():
        if Survey.objects.filter(channel=channel).exists():
            continue
        survey = Survey.objects.create(
            channel=channel,
            version=1,
            title=title,
            intro="Sus respuestas son anónimas y nos ayudan a mejorar. Le tomará unos dos minutos.",
            is_active=True,
        )
        Question.objects.bulk_create(
            Question(survey=survey, dimension=dimension, text=text, position=position)
            for position, (dimension, text) in enumerate(questions, start=1)
        )
        created.append(survey)
    return created
