"""Feedback: what worked, what was missing, and a better line built from the customer's last message."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import cast

from simcoach.content.vocabulary import Measure, SignalKind, members
from simcoach.scoring.grounding import asked_again, complaint, grounding
from simcoach.scoring.levels import Judgement, Plan
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Feedback
from simcoach.scoring.restate import gist, is_clause
from simcoach.scoring.signals import TurnInput
from simcoach.scoring.signals.scenario import disclosed_before

K = members(SignalKind)  # plain attributes: see members()
_FEELING_WORD = {
    "anger": "angry",
    "frustration": "frustrated",
    "anxiety": "worried",
    "sadness": "upset",
    "disappointment": "let down",
    "confusion": "confused",
    "exhaustion": "worn out",
    "shame": "embarrassed",
    "inconvenience": "fed up",
}
_FEELING_ORDER = tuple(_FEELING_WORD)


def feeling_word(t: TurnInput) -> str:
    """A plain word for the feeling the customer expressed, or "" when they expressed none."""
    fams: set[str] = set()
    for _, view in t.recent_customers:
        fams |= view.negative_families
    for fam in _FEELING_ORDER:
        if fam in fams:
            return _FEELING_WORD[fam]
    return ""  # naming a feeling the customer never showed puts words in their mouth


def _pick(options: list[str], key: str) -> str:
    """A deterministic choice (crc32, not hash(), which is salted per process)."""
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


_DISCLOSURE = Measure.disclosure  # read once: see members()
_NONE: frozenset[str] = frozenset()


_STORY = "Can you walk me through what happened, so I can put it right?"
_STAKE = "What matters most to you in getting this sorted?"
# the agent already asked for the customer's account: the next probe is about what is at stake
_INVITED = LEXICON.compile(
    r"\b(?:what happened|what's happened|what has happened|walk me through|tell me (?:more|a bit|about)"
    r"|what's been happening|what's going on|what is going on)\b"
)
_OPENING = "Hi, thanks for getting in touch. What's been happening, and how can I help?"
_INVITATION = "Can you tell me a bit more about what's been happening, so I can help?"
_CLOSING = (
    "Thanks for getting in touch today. If anything else comes up, just message us and we'll pick it up."
)


def better_line(measure: Measure, t: TurnInput, disclosed_now: frozenset[str] = frozenset()) -> str:
    """A line the agent could have said instead, grounded in the customer's last message.

    ``disclosed_now`` holds the ids of the required disclosures this turn made (its disclosure signals).
    """
    last = t.last_customer
    if last is None:
        return _OPENING
    disclosure = _disclosure_line(t, disclosed_now) if measure is _DISCLOSURE else ""
    grounds = t.cache.get("better_line")
    if grounds is None:  # the same for every criterion of the turn: worked out once
        view, said = grounding(t)
        grounds = t.cache["better_line"] = (
            said,
            last[1].sarcastic,
            feeling_word(t),
            t.customer_name or "",
            t.bereaved,
            t.bereaved and any(_CONDOLED.search(e.low) for e in t.agents),
            # where an apology looks for what went wrong (worked out only for a line that apologises)
            tuple(v.a.text for _, v in t.customers[-3:]),
            view.a.text if view.negative_families else "",
            asked_again(t),
        )
    text, sarcastic, feel, name, loss, condoled, recent, upset, again = cast(
        tuple[str, bool, str, str, bool, bool, tuple[str, ...], str, bool], grounds
    )
    if not (feel or sarcastic or loss or disclosure or gist(text, 14)):
        # nothing told yet ("Hi", "how are you?", "yes"): a line about a problem would invent one
        if not t.agents:
            return _OPENING
        return _CLOSING if last[1].closing else _INVITATION
    invited = measure is Measure.probing and any(_INVITED.search(e.low) for e in t.agents)
    return _line(
        measure, text, sarcastic, feel, name, disclosure, loss, condoled, recent, upset, invited, again
    )


def _disclosure_line(t: TurnInput, disclosed_now: frozenset[str]) -> str:
    """The line for the first required disclosure not made yet (the scenario's own words when it has them)."""
    if t.scenario is None or not t.scenario.required_disclosures:
        return ""
    required = t.scenario.required_disclosures
    done = disclosed_before(t) | disclosed_now
    todo = next((d for d in required if d.id not in done), required[0])
    return todo.say or f"Before we go on, I need to let you know: {todo.cues[0]}."


@lru_cache(maxsize=4096)
def _wrong(g: str, asks: bool, recent: tuple[str, ...], upset: str) -> str:
    """What an apology names: the gist when it reports a fault; else the latest statement that does (an
    upset message counts when none does); else "" ("I'm sorry that your boiler still isn't working", never
    "…that you have a newborn baby in the house")."""
    if g and not asks and _P_COMPLAINT.search(g.lower()) is not None:
        return g
    fault = next((c for text in reversed(recent) if (c := complaint(text))), "") or upset
    return gist(fault, 14) if fault else ""


def _sorry(wrong: str) -> str:
    """An apology: "I'm sorry that <clause>", or "I'm sorry about all this: <fragment>"."""
    return f"I'm sorry that {wrong}" if is_clause(wrong) else f"I'm sorry about all this: {wrong}"


# a death in the family: a better line offers condolence first, not an apology for the facts
_CONDOLENCE = "I'm so sorry for your loss"
_P_COMPLAINT = LEXICON.patterns["complaint_cue"]
_CONDOLED = re.compile(r"\b(?:your loss|condolence)")
# after a death nothing is "put right" or "sorted out", and no update "by 5pm" is chased: one gentle promise
_LOSS_STEP = (
    "I'll take care of this myself and confirm each step with you in writing today, "
    "so you won't have to explain it again."
)
_WANTS = LEXICON.compile(
    r"you(?:'d| would)? (?:really |just )?(?:like|want|need|wish|hope)\b"
    r"|you'd rather|you're (?:asking|hoping)"
)


def _loss_line(
    measure: Measure, so: str, wants: str, feel: str, felt_in_gist: bool, name: str, condoled: bool
) -> str:
    """The better line after the customer reported a death: condolence once, then no chasing or fixing."""
    opener = "" if condoled else f"{_CONDOLENCE}. "
    felt = f", and you're feeling {feel} about it" if feel and not felt_in_gist else ""
    if measure is Measure.probing:
        if wants:  # "I want to keep the house number": ask about that, not about the loss
            return f"{opener}Of course: {wants}. Can you tell me a bit more about what matters most to you?"
        return f"{opener}Take your time. What would help you most with this right now?"
    if measure in (Measure.mirroring, Measure.acknowledgment):
        return f"{opener}{so}{felt or ', and that is a lot to deal with at once'}."
    if measure in (Measure.deescalation, Measure.ownership):
        ack = f"{_CONDOLENCE}, and thank you for telling me. " if not condoled else ""
        if measure is Measure.deescalation and condoled:
            ack = f"I can hear how {feel} you are. " if feel else "That is a lot to deal with at once. "
        return f"{ack}{_LOSS_STEP}" if measure is Measure.deescalation else _LOSS_STEP
    if measure is Measure.apology:
        return (
            f"{_CONDOLENCE}."
            if not condoled
            else "I'm sorry you've had to deal with this on top of everything."
        )
    care = "let me take care of everything I can for you today."
    if opener or not name:  # a sentence of its own: "Ruth, I'm so sorry for your loss. Let me…"
        care = care[:1].upper() + care[1:]
    return f"{name}{opener}{care}"


@lru_cache(maxsize=8192)
def _line(
    measure: Measure,
    text: str,
    sarcastic: bool,
    feel: str,
    customer_name: str,
    disclosure: str,
    loss: bool,
    condoled: bool = False,
    recent: tuple[str, ...] = (),
    upset: str = "",
    invited: bool = False,
    again: bool = False,
) -> str:
    """The better line for one measure and one customer message (cached: batch runs repeat contexts).

    ``invited``: the agent already asked for the story, so a probe asks what matters, not what happened.
    ``again``: the customer protested at being asked again ("I just told you."), so the acknowledgement
    owns the repeat first.
    """
    g = gist(text, 14)
    # the customer asked or said what they want: say it back, and apologise for nothing
    asks = _WANTS.match(g) is not None
    # "you're annoyed about the broadband": the gist names the feeling already, so it is not named again
    felt_in_gist = bool(feel) and LEXICON.feeling.search(g.lower()) is not None
    name = f"{customer_name}, " if customer_name else ""
    so = f"So {g}" if g else "So this has really got on top of you"
    # what the acknowledgement answers first: being asked again, or the sarcasm's real meaning
    lead = "That doesn't sound like a good day at all. " if sarcastic else ""
    lead = "Sorry you've had to tell me that again. " if again else lead
    if loss and not disclosure:
        return _loss_line(measure, so, g if asks else "", feel, felt_in_gist, name, condoled)
    if measure is Measure.probing:
        if asks:
            return f"Of course: {g}. So I get it right, can you tell me a bit more about what you need?"
        ask = _STAKE if invited else _STORY
        # a fragment leads: "Off since last night - can you walk me through…", not "You mentioned off…"
        if g and not is_clause(g):
            return f"{g[:1].upper()}{g[1:]} - {ask[:1].lower()}{ask[1:]}"
        about = f"You mentioned {g}. " if g else ""
        return f"{about}{ask}"
    if measure is Measure.mirroring:
        # the feeling named beside the facts, in words of our own: said back only in theirs, it is an echo
        felt = ", and that's a lot to deal with" if felt_in_gist else ""
        felt = felt or (f", and you're feeling {feel} about it" if feel else "")
        return f"{so}{felt}. Have I got that right?"
    if measure is Measure.ownership:
        return (
            "I'll take this on myself now and message you an update by 5pm today, so you're not chasing us."
        )
    if measure is Measure.deescalation:
        if loss:
            ack = f"{_CONDOLENCE}, and thank you for telling me. "
        elif felt_in_gist:
            ack = f"That's completely fair: {g}. "
        elif feel and g:
            if not asks and (wrong := _wrong(g, asks, recent, upset)):
                ack = f"{_sorry(wrong)}; you have every right to feel {feel}. "
            else:
                ack = f"It makes sense to feel {feel}: {g}. "
        elif feel:
            ack = f"I can hear how {feel} you are. "
        else:
            ack = f"I can see why that matters: {g}. " if g else "I can see this matters to you. "
        return f"{lead}{ack}I'm taking this on myself now, and I'll message you an update by 5pm today."
    if measure is Measure.acknowledgment:
        if loss:
            return f"{_CONDOLENCE}, and thank you for telling me."
        if felt_in_gist:
            return f"{lead}That's completely fair: {g}."
        opening = f"It makes sense that you're {feel}" if feel else "I can see why that matters"
        return f"{lead}{opening}" + (f": {g}." if g else ".")
    if measure is Measure.apology:
        if loss:
            return f"{_CONDOLENCE}."
        wrong = _wrong(g, asks, recent, upset)
        return f"{_sorry(wrong)}." if wrong else "I'm sorry you've had to contact us about this."
    if measure is Measure.personalisation:
        if not g:
            line = "let me sort this out for you now."
        elif is_clause(g):
            line = f"since {g}, let me sort that out for you now."
        else:  # "double charged, fobbed off…": no "since" before a fragment
            line = f"{g} - let me sort that out for you now."
        return f"{name}{line}" if name else line[:1].upper() + line[1:]
    if measure is Measure.script:
        # no verdict such as "that's not good enough": a customer who cannot pay a bill did nothing wrong,
        # and the company may not have either; what makes the line personal is their own situation
        return f"{so}. Let me take care of that for you now."
    if disclosure:
        return disclosure
    return f"{so}. Let me help you with that now."


_WORKED: dict[SignalKind, str] = {
    K.open_question: "You asked an open question.",
    K.elicitation: "You invited the customer to tell their story.",
    K.follow_up: "Your question followed up on what the customer just said.",
    K.closed_question: "You asked a clear question.",
    K.content_reflection: "You restated the customer's own situation.",
    K.feeling_reflection: "You named how the customer feels.",
    K.understanding_check: "You checked your understanding.",
    K.validation: "You validated the customer's feeling.",
    K.specific_apology: "You apologised for what actually went wrong.",
    K.ownership: "You took ownership.",
    K.next_step: "You gave a concrete next step.",
    K.time_frame: "You gave a time frame.",
    K.reassurance: "You offered reassurance.",
    K.explanation: "You explained what happened.",
    K.alternative: "You offered an alternative.",
    K.personalisation: "You spoke to this customer's situation.",
    K.disclosure_made: "You made the required disclosure.",
    K.hollow_apology: "You apologised.",
}
_PROBLEM: dict[SignalKind, str] = {
    K.leading_question: "A leading or accusatory question raises tension instead of finding out.",
    K.reask: "You asked again for something the customer already gave.",
    K.stacked_questions: "Several questions at once: the customer can answer only one.",
    K.stock_frame: "A stock phrase alone ('I understand', 'I hear you') says nothing about this customer; "
    "say what you understood.",
    K.parroting: "Copying the customer's words verbatim sounds like parroting; put it in your own words.",
    K.calm_down: "Telling a customer to calm down escalates.",
    K.blame: "Blaming the customer escalates.",
    K.policy_hiding: "Hiding behind policy without an alternative escalates.",
    K.cant_help: "'Nothing I can do' leaves the customer stuck; say what you can do.",
    K.already_said: "'As I already said' sounds impatient.",
    K.understand_but: "'I understand, but…' cancels the acknowledgement.",
    K.literal_sarcasm_reply: "The customer was being sarcastic; answering it literally sounds robotic.",
    K.dismissive: "That sounds dismissive of the customer's concern.",
    K.hostile_language: "That language is hostile.",
    K.repeated_formula: "This repeats wording from your earlier turns; the customer hears a script.",
    K.repeated_apology: "Repeated apologies lose meaning; apologise once and specifically.",
    K.keyword_stuffing: "Empathy words piled up with nothing specific read as insincere.",
    K.scripted_delivery: "This reads like a script that could go to any customer.",
    K.vague_timeline: "'Soon' or 'as soon as possible' is vague; give a time.",
    K.ignored_question: "The customer asked a question that your turn did not address.",
    K.hollow_apology: "A generic apology does not say what went wrong.",
    K.forbidden_offer: "That offer is not allowed by policy.",
}
_MISSING: dict[Measure, str] = {
    Measure.probing: "Ask one open question about what the customer just told you.",
    Measure.mirroring: "Say back the customer's specifics in your own words and name the feeling.",
    Measure.deescalation: "Acknowledge the feeling and its cause, own the next step and give a time.",
    Measure.acknowledgment: "Name the customer's feeling and what caused it.",
    Measure.ownership: "Say what you will do ('I'll …') and by when.",
    Measure.personalisation: "Use the customer's name or the details they gave you.",
    Measure.apology: "Apologise once, naming what went wrong.",
    Measure.script: "Use your own words about this customer's situation.",
    Measure.disclosure: "Make the required disclosure before the chat ends.",
}


_SPECIFIC = frozenset({K.content_reflection, K.feeling_reflection, K.validation, K.specific_apology})
_ASKING = frozenset({Measure.deescalation, Measure.probing})  # measures that note an ignored question


def build_feedback(p: Plan, j: Judgement, t: TurnInput, kinds: list[SignalKind]) -> Feedback:
    """Feedback for one criterion on one turn; ``kinds`` holds the kind of each of the turn's signals."""
    worked = tuple(dict.fromkeys(s.kind for s in j.evidence if s.kind in _WORKED))
    allowed = p.allowed
    problems = tuple(dict.fromkeys(k for k in kinds if k in allowed and k in _PROBLEM))
    if K.stock_frame in problems and (K.parroting in problems or not _SPECIFIC.isdisjoint(worked)):
        # "I can see why that matters: the sofa arrived torn" is a frame with the specifics: not "alone"
        problems = tuple(k for k in problems if k is not K.stock_frame)
    ignored = p.measure in _ASKING and K.ignored_question in kinds
    short = j.applicable and j.level < p.top
    # the disclosures this turn made are its evidence (the same signals the level counted)
    made = (
        frozenset(s.detail for s in j.evidence if s.kind is K.disclosure_made)
        if p.measure is _DISCLOSURE
        else _NONE
    )
    return _feedback(p.measure, worked, problems, ignored, short, better_line(p.measure, t, made))


@lru_cache(maxsize=8192)
def _feedback(
    measure: Measure,
    worked: tuple[SignalKind, ...],
    problems: tuple[SignalKind, ...],
    ignored: bool,
    short: bool,
    line: str,
) -> Feedback:
    """The (immutable, so shareable) feedback for one combination of what worked and what was missing."""
    notes = [_PROBLEM[k] for k in problems]
    if ignored:
        notes.append(_PROBLEM[K.ignored_question])
    missing = " ".join(notes[:2])
    if short:
        missing = f"{missing} {_MISSING[measure]}".strip()
    return Feedback(worked=" ".join(_WORKED[k] for k in worked[:3]), missing=missing, better_line=line)
