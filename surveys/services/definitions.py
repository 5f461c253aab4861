"""Survey definitions: versions per channel, frozen once answered (a change makes a new version)."""

from django.db import transaction
from django.db.models import Max

from ..errors import SurveyFrozen
from ..models import Question, Response, Survey

__all__ = ["survey_check_editable", "survey_is_frozen", "survey_new_version"]


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
