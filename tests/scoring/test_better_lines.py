"""Better lines: grounded in what the customer said, grammatical, never naming a feeling they did not show."""

from __future__ import annotations

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.signals import customer_view

from .conftest import agent, customer, score

_FEELINGS = ("frustrated", "angry", "worried", "upset", "let down", "confused", "fed up", "right to feel")


def _lines(scorer: OfflineScorer, rubric: Rubric, said: str, reply: str = "Sure.") -> dict[str, str]:
    result = score(scorer, rubric, reply, [customer(said)])
    return {cid: s.feedback.better_line for cid, s in result.scores.items()}


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        ("Can you tell me how to change my address?", "you'd like to know how to change your address"),
        ("How do I reset my password?", "how to reset your password"),
        ("Could you cancel my order please?", "you'd like us to cancel your order"),
        ("Why is my bill so high this month?", "you'd like to know why your bill is so high this month"),
        ("What time is the engineer coming?", "you'd like to know what time the engineer is coming"),
        ("Where is my parcel?", "you'd like to know where your parcel is"),
        ("Do you deliver to Leeds on Sundays?", "you'd like to know whether we deliver to Leeds on Sundays"),
        ("Can I change my flight?", "you'd like to know whether you can change your flight"),
        ("Have you received my claim form?", "you'd like to know whether we have received your claim form"),
        ("Am I going to lose my deposit?", "you'd like to know whether you are going to lose your deposit"),
        # a question said as a statement asks whether it is so; a fragment asks about it
        ("You deliver to Leeds on Sundays?", "you'd like to know whether we deliver to Leeds on Sundays"),
        ("Another three weeks for the engineer?", "you're asking about another three weeks for the engineer"),
        # "this" / "that" alone is the subject before a complement or a noun phrase of its own
        ("Is that normal for a new boiler?", "you'd like to know whether that is normal for a new boiler"),
        ("How is that fair when I paid?", "you'd like to know how that is fair when you paid"),
        ("How on earth is that pre-existing?", "you'd like to know how on earth that is pre-existing"),
        ("Is this your van outside?", "you'd like to know whether this is our van outside"),
        ("Where is that parcel now?", "you'd like to know where that parcel is now"),
    ],
)
def test_a_question_is_said_back_as_what_the_customer_wants(
    said: str, restated: str, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    for rubric in (core, qa):
        for cid, line in _lines(scorer, rubric, said).items():
            low = line.lower()
            # the question is not pasted into a statement ("So can we tell you how…", "I'm sorry that can…")
            for pasted in ("can we tell you", "that can ", "so could", "how do you"):
                assert pasted not in low, (cid, line)
        assert restated in _lines(scorer, rubric, said)["mirroring" if rubric is core else "acknowledgment"]


def test_a_statement_beside_a_question_grounds_the_line(core: Rubric, scorer: OfflineScorer) -> None:
    said = "My card was declined at the shop today. Why does this keep happening to me?"
    lines = _lines(scorer, core, said)
    assert "your card was declined at the shop today" in lines["mirroring"]


def test_no_feeling_is_put_in_the_customers_mouth(core: Rubric, qa: Rubric, scorer: OfflineScorer) -> None:
    said = "My card was declined at the shop even though there's money in the account."
    for rubric in (core, qa):
        for cid, line in _lines(scorer, rubric, said, "Please hold.").items():
            assert not any(f in line for f in _FEELINGS), (cid, line)
    assert "your card was declined" in _lines(scorer, core, said)["mirroring"]


def test_a_feeling_the_customer_expressed_is_named(core: Rubric, scorer: OfflineScorer) -> None:
    lines = _lines(scorer, core, "I'm furious. My card was declined at the shop in front of everyone.")
    assert "angry" in lines["mirroring"]
    assert "angry" in lines["deescalation"]


def test_the_feeling_is_named_once_beside_the_facts(core: Rubric, scorer: OfflineScorer) -> None:
    lines = _lines(scorer, core, "I'm so angry, my card was declined at the shop in front of everyone.")
    assert lines["mirroring"].startswith("So your card was declined at the shop"), lines["mirroring"]
    assert lines["mirroring"].count("angry") == 1, lines["mirroring"]


@pytest.mark.parametrize(
    ("said", "said_back"),
    [
        ("Another letter came on Monday asking him to ring you.", "asking him to ring us"),
        ("You sent me a red kettle instead of the blue one I ordered.", "we sent you a red kettle"),
        ("I told you that twice already and nothing has changed.", "you told us that twice"),
    ],
)
def test_you_becomes_we_or_us_by_its_place(
    said: str, said_back: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert said_back in _lines(scorer, core, said)["mirroring"]


def test_a_death_is_met_with_condolence_not_an_apology_for_the_facts(
    core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    said = "My husband died last month and the broadband account is still in his name."
    core_lines = _lines(scorer, core, said, "Account number?")
    assert core_lines["deescalation"].startswith("I'm so sorry for your loss")
    qa_lines = _lines(scorer, qa, said, "Account number?")
    assert qa_lines["apology"] == "I'm so sorry for your loss."
    assert "not good enough" not in qa_lines["delivery"]
    assert "I'm sorry that" not in " ".join(qa_lines.values())


def test_after_a_death_nothing_is_put_right_or_chased(
    core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    said = "My husband died last month and the broadband account is still in his name."
    for rubric in (core, qa):
        for cid, line in _lines(scorer, rubric, said, "Account number?").items():
            for jarring in ("put it right", "sort that out", "5pm", "Have I got that right"):
                assert jarring not in line, (cid, line)
    line = _lines(scorer, core, said)["deescalation"]
    assert score(scorer, core, line, [customer(said)]).scores["deescalation"].level == 3, line


def test_condolence_is_offered_once(core: Rubric, qa: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("My husband died last month and the broadband account is still in his name."),
        agent("I'm so sorry for your loss. I can help with the account."),
        customer("Thank you. I want to keep the email address our whole family has used for years."),
    ]
    for rubric in (core, qa):
        result = score(scorer, rubric, "Okay.", context)
        for cid, s in result.scores.items():
            assert "your loss" not in s.feedback.better_line, (cid, s.feedback.better_line)
    probe = score(scorer, core, "Okay.", context).scores["probing"].feedback.better_line
    assert "keep the email address" in probe, probe


def test_a_want_is_not_apologised_for(core: Rubric, scorer: OfflineScorer) -> None:
    lines = _lines(scorer, core, "I'm really worried about this. I want to keep my old phone number.")
    assert "sorry that you want" not in lines["deescalation"]
    assert "worried" in lines["deescalation"]
    assert "you want to keep your old phone number" in lines["deescalation"]


def test_a_feeling_inside_the_gist_is_not_named_twice(core: Rubric, scorer: OfflineScorer) -> None:
    lines = _lines(scorer, core, "Lovely. Now I'm annoyed about the broadband AND about this call.")
    mirroring = lines["mirroring"]
    assert mirroring.startswith("So you're annoyed about the broadband AND about this call, and "), mirroring
    assert not any(f in mirroring for f in _FEELINGS), mirroring  # no second name for the same feeling
    assert "right to feel" not in lines["deescalation"]
    assert "you're annoyed about the broadband" in lines["deescalation"]


def test_the_delivery_line_passes_no_verdict_on_hardship(qa: Rubric, scorer: OfflineScorer) -> None:
    line = _lines(scorer, qa, "It's £286.40, due on the 5th, and I can't pay it.", "Please hold.")["delivery"]
    assert (
        line == "So it's £286.40, due on the 5th, and you can't pay it. Let me take care of that for you now."
    )


def test_a_shortened_sentence_does_not_end_on_a_dangling_word(core: Rubric, scorer: OfflineScorer) -> None:
    said = (
        "Well, my son and his best mate from uni changed the wifi password at the weekend "
        "without telling anyone in the house."
    )
    line = _lines(scorer, core, said)["mirroring"]
    assert "from uni changed the wifi password." in line, line  # cut at 14 words: "…password at the"


@pytest.mark.parametrize(
    "said",
    [
        "I don't like to say this, but I can't afford the payment this month.",
        "Sorry to bother you, but I can't afford the payment this month.",
        "To be honest, I can't afford the payment this month.",
    ],
)
def test_a_hesitant_opening_is_not_said_back(said: str, core: Rubric, scorer: OfflineScorer) -> None:
    line = _lines(scorer, core, said)["mirroring"]
    assert line.startswith("So you can't afford the payment this month."), line


@pytest.mark.parametrize(
    "said",
    [
        "The sofa arrived with a big tear in the fabric. We saved for months for this.",
        "I'm furious. My card was declined at the shop in front of everyone.",
        "There are three payments on my card I didn't make. I'm scared someone has my details.",
        "My broadband has dropped every evening this week and I work from home.",
    ],
)
def test_the_suggested_de_escalation_line_earns_the_top_level(
    said: str, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    # an agent who says the better line word for word must not be marked down for it
    for rubric, cid in ((core, "deescalation"), (qa, "acknowledgment")):
        line = _lines(scorer, rubric, said)[cid]
        again = score(scorer, rubric, line, [customer(said)]).scores[cid]
        assert again.level == again.max_level, (line, again.reason)


@pytest.mark.parametrize(
    "said",
    [
        "I'm furious. My card was declined at the shop in front of everyone.",
        "There are three payments on my card I didn't make. I'm scared someone has my details.",
        "I've been stuck at the airport for six hours with two kids and nobody will tell me anything.",
    ],
)
def test_the_suggested_reflection_of_a_feeling_earns_the_top_level(
    said: str, core: Rubric, scorer: OfflineScorer
) -> None:
    line = _lines(scorer, core, said)["mirroring"]
    again = score(scorer, core, line, [customer(said)])
    assert again.scores["mirroring"].level == 2, (line, [s.kind.value for s in again.signals])
    assert not again.has(K.parroting), line


def test_a_shortened_sentence_does_not_end_on_a_subject(core: Rubric, scorer: OfflineScorer) -> None:
    said = "I dropped the car off on Monday for a two-day repair and now you're saying it'll be another week."
    line = _lines(scorer, core, said)["mirroring"]
    assert "we're" not in line, line
    assert "for a two-day repair." in line, line


def test_the_personal_line_starts_a_sentence(qa: Rubric, scorer: OfflineScorer) -> None:
    line = _lines(scorer, qa, "My parcel never arrived and it was a birthday present.")["personalisation"]
    assert line.startswith("Since your parcel never arrived"), line
    named = _lines(scorer, qa, "Hi, my name is Priya. My parcel never arrived.")["personalisation"]
    assert named.startswith("Priya, since your parcel never arrived"), named


def test_a_long_sentence_is_said_back_to_the_end_of_a_clause(core: Rubric, scorer: OfflineScorer) -> None:
    said = "She started a new job and I think she might have met someone at work that she likes more than me."
    assert _lines(scorer, core, said)["mirroring"].startswith("So she started a new job."), said
    # a few words over the limit: kept whole, since the last clause is often the stake
    said = "You cancelled my flight with two hours' notice and I'm stuck at the airport with two kids."
    assert "you're stuck at the airport with two kids" in _lines(scorer, core, said)["mirroring"]


def test_an_apology_names_what_went_wrong_not_the_stake(qa: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("My boiler still isn't working."),
        agent("I'm really sorry for the inconvenience, we appreciate your patience."),
        customer("It's been five days. I have a newborn baby in the house."),
    ]
    line = score(scorer, qa, "Okay.", context).scores["apology"].feedback.better_line
    assert line == "I'm sorry that your boiler still isn't working.", line
    loyal = "Why has my subscription gone up by £5 without any warning? I've been a customer for ten years."
    line = _lines(scorer, qa, loyal)["apology"]
    assert "customer for ten years" not in line, line  # nobody is sorry for their loyalty
    cancel = "I want you to cancel my broadband, today, no offers. I asked last month and you ignored it."
    assert _lines(scorer, qa, cancel)["apology"] == "I'm sorry that you asked last month and we ignored it."


def test_the_suggested_apology_is_not_cancelled_by_the_customers_own_but(
    qa: Rubric, scorer: OfflineScorer
) -> None:
    said = "My parcel says delivered but it never arrived. It was my daughter's birthday present."
    line = _lines(scorer, qa, said)["apology"]
    again = score(scorer, qa, line, [customer(said)])
    assert not again.has(K.understand_but), line
    assert again.scores["apology"].level == 2, line


def test_a_frame_with_the_specifics_is_not_called_a_stock_phrase(core: Rubric, scorer: OfflineScorer) -> None:
    sofa = [customer("The sofa arrived with a big tear in the fabric. We saved for months for this.")]
    framed = "I can see why that matters: the sofa arrived with a big tear in it. I'll replace it today."
    for cid, s in score(scorer, core, framed, sofa).scores.items():
        assert "stock phrase" not in s.feedback.missing, (cid, s.feedback.missing)
    alone = score(scorer, core, "I understand. I'll look into it.", sofa).scores["mirroring"]
    assert "stock phrase" in alone.feedback.missing


def test_a_shouted_word_is_said_back_whole(core: Rubric, scorer: OfflineScorer) -> None:
    line = _lines(scorer, core, "NOBODY has called me back about the leak in three days.")["mirroring"]
    assert line.startswith("So NOBODY has called you back"), line


def test_a_sarcastic_jab_is_not_said_back_the_complaint_before_it_is(
    core: Rubric, scorer: OfflineScorer
) -> None:
    context = [
        customer("My broadband has been down since last night and it's the second time this month."),
        agent("Glad to hear it!"),
        customer("Oh brilliant. Truly. Gold star."),
    ]
    line = score(scorer, core, "Okay.", context).scores["mirroring"].feedback.better_line
    assert "gold star" not in line.lower(), line
    assert "your broadband has been down since last night" in line, line


@pytest.mark.parametrize(
    "reaction",
    [
        "Right. Fair enough. You're being straight with me.",
        "OK. That's actually a real answer. Thank you.",
        "Alright. That helps. Go on.",
    ],
)
def test_a_reaction_to_the_agent_is_not_said_back_the_problem_before_it_is(
    reaction: str, core: Rubric, scorer: OfflineScorer
) -> None:
    # "So fair enough. Have I got that right?" says back nothing of the problem; nor does a sarcastic jab
    # met on the way back to it ("So gold star")
    context = [
        customer("My broadband has been down since last night and it's the second time this month."),
        agent("I'm sorry, that's not good enough. What's the router showing?"),
        ChatTurn(role="customer", text="Oh brilliant. Truly. Gold star.", sarcastic=True),
        agent("I hear you. I'll book an engineer for 8am tomorrow."),
        customer(reaction),
    ]
    lines = score(scorer, core, "Okay.", context).scores
    for cid in ("probing", "mirroring", "deescalation"):
        line = lines[cid].feedback.better_line
        assert "your broadband has been down since last night" in line, (cid, line)


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        # an order to the agent is what the customer wants done, not a fact to say back as it stands
        ("Stop apologising and fix it.", "you'd like us to stop apologising and fix it"),
        ("Just refund me the money.", "you'd like us to refund you the money"),
        # a cheer said in sarcasm is not part of what happened
        ("Oh brilliant, another week without hot water.", "So another week without hot water"),
    ],
)
def test_an_order_or_a_sarcastic_cheer_is_not_said_back_as_it_stands(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    line = _lines(scorer, core, said)["mirroring"]
    assert restated in line, line


def test_the_agents_own_words_thrown_back_are_not_said_back(core: Rubric, scorer: OfflineScorer) -> None:
    # "As soon as possible?" repeats the agent's promise in disbelief: the line goes back to the complaint
    context = [
        customer("My boiler's been broken for a week and I've got a newborn at home."),
        agent("I understand your frustration. We will get an engineer out as soon as possible."),
        customer("As soon as possible? That's what you said last week!"),
    ]
    result = score(scorer, core, "I understand your frustration.", context)
    for cid, s in result.scores.items():
        assert "asking as soon as possible" not in s.feedback.better_line, (cid, s.feedback.better_line)
    assert "your boiler's been broken for a week" in result.scores["mirroring"].feedback.better_line


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        # a better line is a model to copy: a contraction typed without its apostrophe is spelt out
        ("i cant believe youve charged me twice", "you can't believe we've charged you twice"),
        ("im fed up, the engineer didnt turn up again", "the engineer didn't turn up again"),
        ("thats the third time the parcel hasnt come", "that's the third time the parcel hasn't come"),
    ],
)
def test_a_contraction_typed_without_its_apostrophe_is_said_back_spelt_out(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert restated in _lines(scorer, core, said)["mirroring"]


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        # "no" before a noun is part of what went wrong, not an answer to leave out
        ("No heating, no hot water, and a baby in the house.", "no heating, no hot water"),
        ("Yes I have, and no refund has arrived.", "no refund has arrived"),
        ("No, the parcel never came and the tracking is stuck.", "the parcel never came"),
    ],
)
def test_a_no_that_answers_is_left_out_and_a_no_that_counts_is_kept(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert restated in _lines(scorer, core, said)["mirroring"]


def test_a_fragment_is_not_pasted_in_as_a_clause(qa: Rubric, scorer: OfflineScorer) -> None:
    # "Double charged, fobbed off…" has no subject: "I'm sorry that double charged…" is not English
    said = "Double charged, fobbed off, and now I'm on hold for the privilege."
    lines = _lines(scorer, qa, said, "Please hold.")
    for cid, line in lines.items():
        assert "that double charged" not in line, (cid, line)
        assert "since double charged" not in line, (cid, line)
        assert "mentioned double charged" not in line, (cid, line)
    assert "double charged, fobbed off" in lines["apology"].lower()
    # a clause keeps the plain form
    assert "I'm sorry that your card was declined" in _lines(scorer, qa, "My card was declined.")["apology"]


@pytest.mark.parametrize(
    "vented",
    [
        "What's the point of calling you people? Nobody ever does anything.",
        "How hard can it be to send a parcel to the right address??",
        "Why do I even bother.",
    ],
)
def test_a_rhetorical_question_is_not_said_back_as_a_question(
    vented: str, core: Rubric, scorer: OfflineScorer
) -> None:
    # "So you're asking what's the point of calling us" takes venting at its word
    for cid, line in _lines(scorer, core, vented).items():
        for taken_at_its_word in ("asking", "like to know", "what's the point", "even bother"):
            assert taken_at_its_word not in line, (cid, line)


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        ("Monday was the third time the engineer didn't show.", "So Monday was the third time"),
        ("Paul says the router is broken. I asked Paul to check it.", "So Paul says the router is broken"),
        # a word capitalised only because it starts the sentence is lowered
        ("Delivery address is 14 Mill Lane and the parcel went elsewhere.", "So delivery address is"),
    ],
)
def test_a_name_at_the_start_keeps_its_capital(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert restated in _lines(scorer, core, said)["mirroring"]


def test_an_apology_for_a_long_complaint_names_the_fault_not_its_preamble(
    qa: Rubric, scorer: OfflineScorer
) -> None:
    # cut to fourteen words, the sentence kept its preamble and lost what went wrong
    said = (
        "I ordered a sofa six weeks ago, paid in full, and every time I call I get a different delivery date."
    )
    line = _lines(scorer, qa, said)["apology"]
    assert "every time you call you get a different delivery date" in line, line
    # a short complaint is named whole, as before
    assert "I'm sorry that your card was declined" in _lines(scorer, qa, "My card was declined.")["apology"]


@pytest.mark.parametrize("said", ["Hi", "hello?", "Hi there, how are you?"])
def test_a_greeting_alone_gets_an_invitation_not_a_fix_for_a_problem_never_told(
    said: str, core: Rubric, qa: Rubric, scorer: OfflineScorer
) -> None:
    # nothing to ground a line in: no "So this has really got on top of you", no "update by 5pm"
    for rubric in (core, qa):
        for cid, line in _lines(scorer, rubric, said, reply="Hello.").items():
            assert "What's been happening, and how can I help?" in line, (cid, line)
            for invented in ("got on top of you", "5pm", "matters to you", "sort"):
                assert invented not in line, (cid, line)


@pytest.mark.parametrize(
    ("said", "line"),
    [
        ("yes", "Can you tell me a bit more about what's been happening, so I can help?"),
        ("No, that's all, thank you!", "If anything else comes up, just message us"),
    ],
)
def test_later_with_nothing_told_the_line_asks_or_closes(
    said: str, line: str, core: Rubric, scorer: OfflineScorer
) -> None:
    context = [customer("Hello"), agent("Hi, how can I help?"), customer(said)]
    for cid, s in score(scorer, core, "Okay.", context).scores.items():
        assert line in s.feedback.better_line, (cid, s.feedback.better_line)
        for invented in ("got on top of you", "5pm", "matters to you", "Hi, thanks"):
            assert invented not in s.feedback.better_line, (cid, s.feedback.better_line)


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        ("I'd like to change the address on my account please.", "change the address on your account."),
        ("Cancel my order, please.", "you'd like us to cancel your order."),
    ],
)
def test_a_closing_please_is_not_said_back(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    # "So you'd like to change the address on your account please" repeats the customer's courtesy as theirs
    line = _lines(scorer, core, said)["mirroring"]
    assert restated in line, line
    assert "please" not in line, line


def test_the_customers_own_sorry_is_not_said_back(core: Rubric, scorer: OfflineScorer) -> None:
    said = "Hi, sorry, my parcel says delivered on Tuesday, but it isn't here."
    for cid, line in _lines(scorer, core, said).items():
        assert "sorry, your parcel" not in line.lower(), (cid, line)
    assert "So your parcel says delivered on Tuesday" in _lines(scorer, core, said)["mirroring"]


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        (
            "My parcel says delivered on Tuesday at 14:12, left in a safe place, but it isn't here, and "
            "I've looked everywhere.",
            "your parcel says delivered on Tuesday at 14:12, but it isn't here",
        ),
        (
            "I ordered a sofa six weeks ago, paid in full, and every time I call I get a different delivery "
            "date.",
            "you ordered a sofa six weeks ago, and every time you call you get a different delivery date",
        ),
    ],
)
def test_a_long_message_is_said_back_with_what_went_wrong_not_only_its_preamble(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert _lines(scorer, core, said)["mirroring"] == f"So {restated}. Have I got that right?"


def test_once_the_story_was_asked_for_the_probe_asks_what_matters(
    core: Rubric, scorer: OfflineScorer
) -> None:
    context = [
        customer("My parcel never came."),
        agent("I'm sorry - can you walk me through what happened?"),
        customer("The tracking says delivered on Tuesday but it isn't here, and I've looked everywhere."),
    ]
    line = score(scorer, core, "OK.", context).scores["probing"].feedback.better_line
    assert "walk me through what happened" not in line  # she just did
    assert line.endswith("What matters most to you in getting this sorted?"), line


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        ("Fine, the 19th of October, delivered on the 21st. Right, what else?", "October"),
        ("It's the cordless one, model DX-200, bought in store.", "DX-200"),
        ("Yes, the blue one.", "blue"),
    ],
)
def test_a_short_answer_to_the_agents_question_grounds_the_line_in_the_problem(
    answer: str, detail: str, core: Rubric, scorer: OfflineScorer
) -> None:
    # "I can see why that matters: the 19th of October" validates a date; the problem is the refused return
    context = [
        customer("Your website says I can't return the £229 drill. I want a full refund, back on my card."),
        agent("Can you tell me when you bought it, and which one it is?"),
        customer(answer),
    ]
    lines = score(scorer, core, "Thanks.", context).scores
    for cid in ("mirroring", "deescalation"):
        line = lines[cid].feedback.better_line
        assert detail not in line, (cid, line)
        assert "refund" in line or "drill" in line, (cid, line)


def test_a_longer_answer_with_its_own_stake_is_still_said_back(core: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("My broadband has been down since Monday and nobody has called me back."),
        agent("How has it been affecting you?"),
        customer("I've had to work from the café down the road for three days with my laptop."),
    ]
    line = score(scorer, core, "OK.", context).scores["mirroring"].feedback.better_line
    assert "café" in line, line


@pytest.mark.parametrize(
    ("said", "restated"),
    [
        ("Fine, the parcel never came and the tracking is stuck.", "the parcel never came"),
        ("Right, my card was declined twice at the till.", "your card was declined twice"),
        ("Alright, the engineer didn't turn up again.", "the engineer didn't turn up again"),
    ],
)
def test_a_grudging_acknowledgement_before_the_point_is_not_said_back(
    said: str, restated: str, core: Rubric, scorer: OfflineScorer
) -> None:
    line = _lines(scorer, core, said)["mirroring"]
    assert line.startswith(f"So {restated}"), line


def test_a_fault_after_a_leading_sarcastic_cheer_is_still_the_problem(
    core: Rubric, scorer: OfflineScorer
) -> None:
    # "Oh great, my broadband's down again." reports the fault after its jab: the line goes back to it, not
    # to the jab that followed ("So gold star. Have I got that right?")
    context = [
        customer(
            "Hi. Oh great, my broadband's down again. Off since about 7 o'clock last night, and it's the "
            "second time this month. Fantastic."
        ),
        agent("Hello, thank you for contacting us. Can I take your account number please?"),
        ChatTurn(role="customer", text="Oh brilliant. Truly. Gold star.", sarcastic=True),
    ]
    lines = score(scorer, core, "I understand your frustration.", context).scores
    for cid in ("probing", "mirroring", "deescalation"):
        line = lines[cid].feedback.better_line
        assert "gold star" not in line.lower(), (cid, line)
        assert "7 o'clock" in line or "broadband" in line, (cid, line)


def test_an_answer_to_a_yes_no_question_grounds_the_line_in_the_problem(
    core: Rubric, scorer: OfflineScorer
) -> None:
    # mid-troubleshooting, "it says Lenovo on the back" describes the tablet; the problem is the class
    context = [
        customer("My granddaughter's tablet won't go on the internet and her maths class starts at ten."),
        agent("Can you see a little round button on the side of the tablet?"),
        customer("It's the blue school tablet with the school sticker, and it says Lenovo on the back."),
    ]
    lines = score(scorer, core, "Brilliant, you're doing really well.", context).scores
    for cid in ("mirroring", "deescalation"):
        line = lines[cid].feedback.better_line
        assert "Lenovo" not in line, (cid, line)
        assert "internet" in line, (cid, line)


@pytest.mark.parametrize(
    "agreement",
    [
        "Alright. I think I can manage that, if you go slowly.",
        "OK, I'll try that now.",
        "That would work, thank you.",
    ],
)
def test_agreeing_to_the_agents_plan_is_not_said_back(
    agreement: str, core: Rubric, scorer: OfflineScorer
) -> None:
    context = [
        customer("My granddaughter's tablet won't go on the internet and her maths class starts at ten."),
        agent("That must be worrying with the clock ticking. Shall we restart it together, step by step?"),
        customer(agreement),
    ]
    lines = score(scorer, core, "Great.", context).scores
    for cid in ("mirroring", "deescalation"):
        line = lines[cid].feedback.better_line
        assert "internet" in line, (cid, line)


def test_a_yes_no_question_before_an_instruction_still_asks(core: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("My granddaughter's tablet won't go on the internet and her maths class starts at ten."),
        agent("Can you see a little round button on the side? Press and hold it for ten seconds."),
        customer("It's the blue school tablet with the school sticker, and it says Lenovo on the back."),
    ]
    line = score(scorer, core, "Brilliant.", context).scores["mirroring"].feedback.better_line
    assert "Lenovo" not in line, line


def test_a_refusal_to_pay_is_a_demand_not_a_fault_to_apologise_for(qa: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("Cancel my broadband, today, no offers. I asked last month and you ignored it."),
        agent("I can see you asked to cancel last month."),
        customer("Service can run till the 28th. I'm not paying for anything after I first asked, though."),
    ]
    line = score(scorer, qa, "Okay.", context).scores["apology"].feedback.better_line
    assert "not paying" not in line, line
    assert line == "I'm sorry that you asked last month and we ignored it.", line


def test_thanks_to_the_agent_with_a_word_on_others_is_a_reaction(core: Rubric, scorer: OfflineScorer) -> None:
    # "Most people just read from the screen" praises the agent by contrast: nothing of the problem in it
    context = [
        customer("My husband, Alan, died on the 24th of October, and the account's in his name."),
        agent("I'm so sorry for your loss. Please take your time."),
        customer("Thank you for listening. Most people just read from the screen."),
    ]
    line = score(scorer, core, "Of course.", context).scores["mirroring"].feedback.better_line
    assert "read from the screen" not in line, line
    assert "Alan" in line, line


def test_an_ellipsis_ends_a_sentence(core: Rubric, scorer: OfflineScorer) -> None:
    # "…" typed as one character ends a sentence as "..." does: one sentence is said back, not two
    said = "A sage-green bridesmaid dress, size 10… They only had the one left in my size when I ordered."
    line = _lines(scorer, core, said)["mirroring"]
    assert "…" not in line, line
    assert line.count(".") == 1, line


def test_a_protest_at_being_asked_again_is_owned_and_the_line_goes_back_to_the_problem(
    core: Rubric, scorer: OfflineScorer
) -> None:
    # "I just told you. … room 14" gives a value again: the line owns the repeat and says the problem back,
    # never "I can see why that matters: it's my mum, room 14"
    context = [
        customer("My mum's care home invoice charges her nursing rate since June, and she's residential."),
        agent("Can I take the resident's name and room number?"),
        customer("I just told you. It's my mum, Margaret Ellis, room 14. Honestly, every time."),
    ]
    lines = score(scorer, core, "Thanks.", context).scores
    line = lines["deescalation"].feedback.better_line
    assert line.startswith("Sorry you've had to tell me that again."), line
    for cid in ("mirroring", "deescalation"):
        assert "nursing rate" in lines[cid].feedback.better_line, (cid, lines[cid].feedback.better_line)
        assert "room 14" not in lines[cid].feedback.better_line, (cid, lines[cid].feedback.better_line)


def test_a_feeling_the_customer_denies_is_not_named_back(core: Rubric, scorer: OfflineScorer) -> None:
    # "I'm not angry, just tired" names tiredness; "not so happy" is a let-down, not happiness
    said = "I'm not angry, just tired. It's been four months since the flood and nobody has called."
    line = _lines(scorer, core, said)["mirroring"]
    assert "angry" not in line, line
    assert "worn out" in line, line
    assert customer_view("Not so happy with the repair, it's leaking again.").negative_families == {
        "disappointment"
    }


def test_every_time_as_an_answer_is_no_protest(core: Rubric, scorer: OfflineScorer) -> None:
    # "Every time." answers "does it drop often?": nobody was asked twice, so nothing is owned
    context = [
        customer("My router keeps dropping."),
        agent("Does it drop often?"),
        customer("Every time. It drops every evening around 8."),
    ]
    line = score(scorer, core, "OK.", context).scores["deescalation"].feedback.better_line
    assert not line.startswith("Sorry you've had to tell me that again"), line
