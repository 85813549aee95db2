"""What a probe is: questions that ask for the customer's account, not checks, advice or asides."""

from __future__ import annotations

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn, Signal
from simcoach.scoring.offline import OfflineScorer

from .conftest import customer, score

NO_SHOW = [
    customer(
        "The engineer didn't turn up again. That's the second day off work I've lost and still no broadband!"
    )
]

NOT_PROBES = [
    # a reflection that ends by checking it: understanding, not new information
    "It sounds like you took two days off work for nothing, is that right?",
    "So the engineer missed both visits, which left you without broadband all week?",
    "So you've been without broadband since Monday and do not know when it will be back?",
    "Do I understand correctly that nobody rang you before the second visit?",
    "Am I right that the first visit was on Tuesday?",
    # a slot word in the statement being checked is the customer's story, not a value asked for
    "So the engineer left a card at the wrong address - have I got that right?",
    "So the phone the engineer rang was switched off, is that right?",
    # advice and suggestions phrased as questions
    "Have you also considered switching to the mobile hotspot while you wait?",
    "Do you think that maybe you could use the hotspot on your phone for today?",
    "Is there any chance you could work from a neighbour's connection this afternoon?",
    "Why not book the first slot of the morning so you're not waiting in all day?",
    "Have you heard of our priority repair line for customers working from home?",
    "You might be able to use the hotspot on your phone. Do you have one?",
    "How about a courtesy credit on your next bill instead?",
    "What about the hotspot on your phone for today?",
    # information in question form tells, it does not ask
    "Did you know you can follow the engineer live in the app?",
    "Are you aware that the second visit was booked for the wrong flat?",
    # no question mark and no inversion: instructions and statements, not questions
    "Do that first and the router should come back on its own",
    "When done, switch the router back on and wait for the green light",
    "Explain that you were at work when the engineer rang the bell",
    "Is there anything else I can help you with today?",
    "Will you restart the router for me while we talk?",  # a request
    # ...nor a statement that merely opens with a question word or an auxiliary
    "I see how this can be stressful when you work from home.",
    "right I see where you are coming from, two days off work is a lot",
    "What you need to do is restart the router from the master socket.",
    "What one engineer calls a fault, another calls wear and tear.",
    "when there is no engineer booked then that is when the trouble starts",
    "which is all we can really do from here.",
    "Who knows, the engineer may well be early this time.",
    "Anyone would be fed up after two missed visits.",
    "Anything below ten megabits would count as a fault on your plan.",
    "Do your best to keep the router switched on overnight",
    "Do something nice for yourself while you wait for the engineer",
    "What really helped me was leaving the router off for ten minutes",
    "What worked for me was ringing the repair line first thing",
    "Which can happen when the building is old, the wiring is tired.",
    "What your neighbour saw could be the engineer from another firm",
    "Had the engineer rung ahead, you would not have lost the day.",
    # an offer checked for acceptance, whatever its subject
    "Would a courtesy credit on this month's bill help while we rebook the engineer?",
    "Would the first slot on Saturday work for you?",
    # a statement about the customer said with a rising tone
    "So you think the engineer went to the wrong flat?",
    # a yes/no question tacked onto a story or advice: the question is not the point of the turn
    "Have you rung the building manager? It often helps to have them let the engineer in.",
    "When my own router did this, the fix was to plug it straight into the master socket and leave it off"
    " for ten minutes before switching it back on. Do you have a master socket?",
]

PROBES = [
    "Would you like to tell me what happened when you rang us about the first visit?",
    "May I ask what the engineer's text said about the second appointment?",
    "Do you think the engineer will be able to get into the building next time?",
    "Have you thought about what would put this right for you?",
    # an acknowledgement before the question does not make it an aside
    "Two missed visits and two days off work, that's really not okay. Did anyone call to say he was late?",
    # an open question after a story still invites the customer's account
    "My own router did this last winter and the fix was a reset from the master socket, which took ages."
    " What happens when you try that?",
    # a question missing its question mark in chat
    "what happened when you rang us the first time",
    "how long have you been without broadband",
    "do you have the text the engineer sent",
    "how you doing today",
    "anything else worrying you about the visit",
    "when is the engineer due back",
    "Had you booked the visit yourself?",
    # "will you be…" asks about the customer's plans; "will you send…" would be a request
    "Will you be home tomorrow morning?",
    "Will you need the broadband back before Friday?",
    # a check of the customer's own details asks for a value
    "Your phone number is the one ending 4411 - is that right?",
    # "what about" with its own verb asks about something; "do you know what…" asks for what they know
    "What about the second visit, did anyone ring you beforehand?",
    "Do you know what time the engineer was booked for?",
    "Explain to me what the engineer said when he rang",
    # inviting more of the customer's concerns is a probe; offering more service ("anything else I can
    # help with?") is a hand-off
    "Is there anything else worrying you about the broadband?",
    "Is there anything else you'd like to tell me about the second visit?",
    "Can you talk more about what the engineer said on the phone?",
    "Is there anything else you have on your mind about the broadband?",
    # a question after a dash, or after a subordinate clause, is still a question
    "That sounds like a nightmare - is the router still showing a red light?",
    "When the light flashes, does it go red or amber?",
    # invitations ask too
    "Care to tell me what the engineer said when he rang?",
    "May I please ask what the engineer's text said?",
    "Can I ask you if anyone else at home uses the broadband?",
    "Can I ask you more about the second visit?",
    "Would you like to give me a few more details about the second visit?",
    "Would you be willing to say more about what the engineer told you?",
    "Would you want to go further into what happened on Tuesday?",
    # a hedged reflection is not advice, so the question after it is no aside
    "It sounds like you might not be doing okay. Is the router still showing a red light?",
    # the agent's view of the customer's situation is no story of their own: the question is the point
    "I guess the two missed visits have been a real eye-opener for you. Are you thinking of switching"
    " providers when the contract ends?",
    "You might not have had the text. Did anyone call to say he was late?",
    # "something" can be what the question is about, after an apology in the same sentence
    "Sorry about that, did something go wrong when the engineer rang?",
    # a question for a fact after advice is not a yes/no bridge into it
    "You should ask the building manager about access. How many visits have you booked so far?",
    # whether the customer can see something asks what they see; it asks them to do nothing
    "Can you see a green light on the front of the router?",
    # a choice between two answers asks; "work" after "for" is a place, not "would that work?"
    "Is it for work or for school that you need the broadband?",
    # "I think" hedges an opinion; it tells no story of the agent's own
    "Missed visits are making everyone a bit raw this month I think. Are you working from home this week?",
    # a polite preface before the question asks all the same
    "If you don't mind me asking what happened when the engineer rang?",
    "If I may can I ask you if anyone was home on Tuesday?",
    "May I know the reason the engineer gave for missing the visit?",
    "Would you mind possibly telling me a bit more about the second visit?",
    # an imperative request for a value asks as surely as "What's your order number?"
    "Please provide your order number so I can track the parcel.",
    "Thanks. Could you confirm the postcode on the account.",
    # "that" opening a clause: the customer's account asked for, not "would that help?"
    "Do you think that the engineer might be at the wrong address?",
]


def _fired(signals: list[Signal]) -> list[tuple[str, str]]:
    return [(s.kind.value, s.span.text if s.span else "") for s in signals]


@pytest.mark.parametrize("text", NOT_PROBES)
def test_not_a_probe(text: str, core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, text, NO_SHOW)
    assert result.scores["probing"].level == 0, _fired(result.signals)


@pytest.mark.parametrize("text", PROBES)
def test_a_probe(text: str, core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, text, NO_SHOW)
    assert result.scores["probing"].level >= 1, _fired(result.signals)


@pytest.mark.parametrize(
    "text",
    [
        "What is stopping you from using the hotspot in the meantime?",
        "What was making the router drop out before the engineer came?",
        # an open question is still the point of a turn that also offers help
        "What is worrying you most about the next visit? Maybe I can help with that.",
    ],
)
def test_what_is_doing_invites_an_account(text: str, core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, text, NO_SHOW)
    assert result.has(K.open_question), _fired(result.signals)


@pytest.mark.parametrize(
    "text",
    [
        "So the engineer missed both visits and you lost two days off work. Do you agree?",
        "Do I understand correctly that nobody rang you before the second visit?",
        "You've had no broadband all week. Is it because you were told he'd come in the morning?",
    ],
)
def test_a_check_is_an_understanding_check(text: str, core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, text, NO_SHOW)
    assert result.has(K.understanding_check), _fired(result.signals)
    assert result.scores["probing"].level == 0, _fired(result.signals)


@pytest.mark.parametrize(("context", "why"), [([], "opens the conversation"), ([customer("Hi")], "invites")])
def test_an_opening_question_is_not_said_to_follow_what_was_never_said(
    context: list[ChatTurn], why: str, core: Rubric, scorer: OfflineScorer
) -> None:
    probing = score(scorer, core, "Hello! How can I help you today?", context).scores["probing"]
    assert probing.level == 2
    assert why in probing.reason, probing.reason
    assert "follows the customer" not in probing.reason


@pytest.mark.parametrize(
    "text",
    [
        # "tell me your order number" asks for one fact, however politely it is put
        "Can you tell me your order number?",
        "ok thanks. can you tell me your account number and date of birth",
        "Could you give me your booking reference, please?",
        # a reason given first does not make a request for a value any less closed
        "For security purposes please confirm your date of birth and the last 4 digits of your card.",
        "To verify your identity, please provide your postcode.",
    ],
)
def test_asking_for_a_value_is_a_closed_question(text: str, core: Rubric, scorer: OfflineScorer) -> None:
    context = [customer("My order never arrived and the tracking has said 'out for delivery' for a week.")]
    result = score(scorer, core, text, context)
    assert result.has(K.closed_question), _fired(result.signals)
    assert not result.has(K.open_question), _fired(result.signals)
    assert result.scores["probing"].level == 1


@pytest.mark.parametrize(
    "text",
    [
        "Can you tell me more about what he said?",
        "What did she say when you showed her the email?",
        "What did they tell you when you rang?",
    ],
)
def test_asking_after_a_person_the_customer_mentioned_follows_up(
    text: str, core: Rubric, scorer: OfflineScorer
) -> None:
    context = [customer("The man on the front desk was so rude to me. He rolled his eyes at my email.")]
    result = score(scorer, core, text, context)
    assert result.has(K.follow_up), _fired(result.signals)
    assert result.scores["probing"].level == 2
