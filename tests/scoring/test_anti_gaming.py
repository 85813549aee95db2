"""Pasted formulas, apology fatigue, keyword stuffing and scripts must not score well."""

from __future__ import annotations

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.offline import OfflineScorer

from .conftest import agent, customer, score

FORMULA = "I am so sorry about the trouble with your connection, let me look into it for you."


def test_the_same_formula_earns_less_the_second_time_and_nothing_the_third(
    core: Rubric, scorer: OfflineScorer
) -> None:
    first_ctx = [customer("My internet has been down since Friday and I work from home.")]
    first = score(scorer, core, FORMULA, first_ctx)
    second_ctx = [*first_ctx, agent(FORMULA), customer("It's still down.")]
    second = score(scorer, core, FORMULA, second_ctx)
    third_ctx = [*second_ctx, agent(FORMULA), customer("That's what you said last time!")]
    third = score(scorer, core, FORMULA, third_ctx)
    assert first.scores["deescalation"].level >= 1
    assert second.has(K.repeated_formula)
    assert third.has(K.repeated_formula)
    assert second.scores["deescalation"].level < first.scores["deescalation"].level
    assert third.scores["deescalation"].level == 0
    fresh = score(
        scorer, core, "Four days offline is awful. I've booked an engineer for 9am tomorrow.", third_ctx
    )
    assert fresh.scores["deescalation"].level >= 2


def test_repeated_apologies_lose_their_credit(core: Rubric, qa: Rubric, scorer: OfflineScorer) -> None:
    ctx = [
        customer("My bin wasn't collected."),
        agent("I'm sorry about that."),
        customer("It's been three weeks."),
        agent("I'm so sorry, I do apologise."),
        customer("So what will you do?"),
    ]
    result = score(scorer, qa, "I'm really sorry.", ctx)
    assert result.has(K.repeated_apology)
    assert result.scores["deescalation"].level == 0
    assert result.scores["apology"].level == 0
    within = score(scorer, core, "Sorry, so sorry, I'm really sorry.", [customer("My bin wasn't collected.")])
    assert within.has(K.repeated_apology)
    assert within.scores["deescalation"].level == 0


def test_keyword_stuffing_scores_nothing(core: Rubric, scorer: OfflineScorer) -> None:
    ctx = [customer("The app charged me for a subscription I cancelled last month.")]
    text = (
        "I understand, I empathise, I hear you and I truly appreciate your patience "
        "and I'm sorry for your frustration."
    )
    result = score(scorer, core, text, ctx)
    assert result.has(K.keyword_stuffing)
    assert result.scores["deescalation"].level == 0
    assert result.scores["mirroring"].level == 0


def test_one_empathy_line_pasted_over_and_over_in_a_turn_scores_nothing(
    core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    ctx = [customer("The app charged me for a subscription I cancelled last month.")]
    once = score(scorer, core, "That sounds frustrating.", ctx)
    pasted = score(
        scorer, core, "That sounds frustrating. That sounds frustrating. That sounds frustrating.", ctx
    )
    assert once.scores["deescalation"].level >= 1
    assert pasted.has(K.keyword_stuffing)
    assert pasted.scores["deescalation"].level == 0
    assert pasted.scores["mirroring"].level == 0
    on_the_scorecard = score(scorer, qa, " ".join(["That sounds frustrating."] * 3), ctx)
    assert on_the_scorecard.scores["acknowledgment"].level == 0
    # saying a fact twice is clumsy, not gaming
    twice = score(scorer, core, "Your refund is on its way. Your refund is on its way.", ctx)
    assert not twice.has(K.keyword_stuffing)


def test_script_like_delivery_scores_nothing(core: Rubric, qa: Rubric, scorer: OfflineScorer) -> None:
    ctx = [customer("I've waited a week for a callback about my mortgage and exchange is on Friday.")]
    text = (
        "Thank you for contacting us. We appreciate your patience and understanding. Please be advised that "
        "all applications are processed in accordance with our procedures."
    )
    for rubric in (core, qa):
        result = score(scorer, rubric, text, ctx)
        assert result.has(K.scripted_delivery)
        assert result.scores["deescalation"].level == 0
    assert score(scorer, qa, text, ctx).scores["delivery"].level == 0


def test_one_stock_phrase_beside_an_owned_timed_action_is_no_script(
    core: Rubric, scorer: OfflineScorer
) -> None:
    # "I've chased it… by Thursday" commits to this customer; a passive "has been escalated… within 5 days"
    # beside the same stock phrase owns nothing and stays a script
    ctx = [customer("My pension transfer is eleven weeks late and I retire on Friday.")]
    owned = score(
        scorer, core, "Thank you for your patience. I've chased it and you'll have it by Thursday.", ctx
    )
    assert not owned.has(K.scripted_delivery)
    assert owned.scores["deescalation"].level == 2
    passive = (
        "Thank you for your patience. It has been escalated and you will receive a response within 5 days."
    )
    assert score(scorer, core, passive, ctx).has(K.scripted_delivery)


def test_formula_stacking_scores_below_a_specific_line(core: Rubric, scorer: OfflineScorer) -> None:
    ctx = [customer("My parcel never arrived and it was a birthday present for Saturday.")]
    gamed = score(scorer, core, "I'm sorry. I understand. I hear you. I'm sorry for the inconvenience.", ctx)
    real = score(
        scorer, core, "A missing birthday present is awful. I'm sending a replacement by Friday.", ctx
    )
    assert sum(s.level for s in real.scores.values()) > sum(s.level for s in gamed.scores.values())


def test_the_stock_formula_is_weak_once_and_worthless_when_pasted(
    core: Rubric, scorer: OfflineScorer
) -> None:
    stock = "I understand your frustration and I'm sorry for the inconvenience."
    ctx = [customer("My broadband keeps dropping and I've lost two client calls. I'm furious.")]
    once = score(scorer, core, stock, ctx)
    assert once.scores["deescalation"].level == 1
    assert once.scores["mirroring"].level == 0
    pasted = [*ctx, agent(stock), customer("That's it?"), agent(stock), customer("Are you going to fix it?")]
    assert score(scorer, core, stock, pasted).scores["deescalation"].level == 0


def test_a_stock_phrase_said_a_third_time_is_a_script(qa: Rubric, scorer: OfflineScorer) -> None:
    # each turn opens with the same four words: short against the turn, but the third time is a script
    ctx = [
        customer("I can't pay my bill, it's £286.40 due on the 5th."),
        agent("Thank you for contacting us. I understand your frustration. How can I help you today?"),
        customer("I was made redundant last month."),
        agent("I understand your frustration. Unfortunately the bill must be paid by the due date."),
        customer("So it's my fault, is it?"),
    ]
    third = score(scorer, qa, "I understand your frustration. Is there anything else I can help with?", ctx)
    assert third.has(K.repeated_formula)
    assert third.scores["delivery"].level == 0
    # the second time is clumsy: the turn is still mostly its own words
    said = "I understand your frustration. Unfortunately the bill must be paid by the due date this month."
    second = score(scorer, qa, said, ctx[:3])
    assert second.scores["delivery"].level == 1
