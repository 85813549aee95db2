"""The rubrics' own good and poor example lines are regression tests for the scorer."""

from __future__ import annotations

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import Measure
from simcoach.scoring.offline import OfflineScorer

from .conftest import customer, load_rubric, score

# One upset customer message that covers the topics the example lines talk about, so reflections and
# follow-ups have something to reflect; every example of a criterion is scored after the same message.
CONTEXT = [
    customer(
        "My name is Maria. I was charged twice in March and now I'm overdrawn. The engineer missed two "
        "appointments so I took days off work for nothing, my replacement card still hasn't arrived and rent "
        "is due on Friday, and the router keeps dropping every evening while I work from home. The washing "
        "machine delivered on the 4th has leaked twice, the parcel marked delivered on Monday never came and "
        "it was a birthday present, and my bill went up after my contract ended in June. I'm travelling on "
        "Friday. I'm so frustrated and worried."
    )
]
CASES = [
    (name, c.id)
    for name in ("empathy-core", "qa-scorecard")
    for c in load_rubric(name).criteria
    if c.measure is not Measure.disclosure
]


@pytest.mark.parametrize(("rubric_name", "criterion_id"), CASES)
def test_every_good_example_scores_above_every_poor_one(
    rubric_name: str, criterion_id: str, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    rubric = core if rubric_name == "empathy-core" else qa
    c = rubric.criterion(criterion_id)
    good = [score(scorer, rubric, text, CONTEXT).scores[c.id] for text in c.examples.good]
    poor = [score(scorer, rubric, text, CONTEXT).scores[c.id] for text in c.examples.poor]
    good_levels = [s.level if s.applicable else -1 for s in good]
    poor_levels = [s.level if s.applicable else 0 for s in poor]
    assert min(good_levels) > max(poor_levels), (c.examples.good, good_levels, c.examples.poor, poor_levels)
    assert min(good_levels) >= 1


def test_disclosure_examples_with_a_scenario(qa: Rubric, scorer: OfflineScorer) -> None:
    from simcoach.content.scenario import Scenario

    from .conftest import SCENARIO

    data = dict(SCENARIO)
    data["required_disclosures"] = [
        {"id": "recorded", "description": "Recorded chat", "cues": ["chat is recorded"]},
        {"id": "cooling-off", "description": "Cooling-off period", "cues": ["cooling-off period"]},
        {"id": "refund-method", "description": "Refund route", "cues": ["original payment method"]},
    ]
    scenario = Scenario.model_validate(data)
    c = qa.criterion("disclosure")
    for text in c.examples.good:
        result = score(scorer, qa, text, CONTEXT, scenario)
        assert result.scores["disclosure"].level == c.max_level, text
    closing = [*CONTEXT, customer("Thanks, that's all.")]
    for text in c.examples.poor:
        result = score(scorer, qa, text, closing, scenario)
        assert result.scores["disclosure"].applicable, text
        assert result.scores["disclosure"].level == 0, text
