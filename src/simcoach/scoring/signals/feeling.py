"""Feeling reflection: a feeling the agent attributes to the customer, not one of their own or a wish."""

from __future__ import annotations

import re
from dataclasses import dataclass

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal
from simcoach.scoring.signals import TurnInput, negated_before, sig
from simcoach.scoring.signals.literal import literal_feeling_word
from simcoach.scoring.text import Analysed, Sentence, words_of

# the agent as the one who feels: any first-person word ("I", "I'm", "my", "a friend of mine")
_EXPERIENCER = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, LEXICON.first_person), reverse=True)) + r")\b"
)
_WOULD = LEXICON.compile(
    r"\b(?:i(?:'d| would)(?: \w+)? (?:be|feel|get)|(?:would|'d)(?: \w+)? make me(?: feel)?)(?: \w+)? $"
)
_CLAUSE_BREAK = re.compile(r",| [-–—] ")
# "I reckon anyone would be panicking", "I know it's hard": the agent hedges a reading of the customer or
# their situation and feels nothing; "I think yoga helps with stress" gives an opinion of something else
_HEDGE = LEXICON.compile(
    r"\bi(?:'m| am)? (?:think|guess|reckon|imagine|suppose|believe|bet|sure|know)"
    r"(?= (?:you|you're|you've|you'd|anyone|anybody|everyone|everybody|most people|it|it's|this|that's"
    r"|that must|that would|that is"
    r"|that was)\b)"
)
_I_FELT = LEXICON.compile(
    r"\bi(?:'ve| have| had)? (?:\w+ )?(?:felt|feel|feeling|get|got|suffer|suffered|struggled)\b"
    r"(?! (?:how|that|what|your|you)\b)"  # "I can feel how anxious you are" perceives the customer's
    # "I am also worried for people like you": the feeling straight after "I am" is the agent's own
    r"|\bi(?:'m| am| was|'ve been| have been)(?: (?:so|really|very|quite|also|too|just|always|often|still))*"
    r" $"
)
# "feel as though…" names a feeling only with the customer as the one who feels: "I feel as though you did
# the right thing" is the agent's opinion, "it won't make her feel as if…" a third person's
_YOU_FEEL = re.compile(r"\b(?:you|you're|you've|you'd)(?: \w+){0,2} $")
# the longer interjections first: "oh" alone would leave "no, that must…" behind
_INTERJECTION = re.compile(
    r"^\W*(?:(?:oh no|oh dear|oh gosh|oh my|oh|ah|aw|ugh|wow|gosh|oof|yikes)\b[\s,.!]*)?"
)


@dataclass(frozen=True, slots=True)
class Framing:
    """How a sentence is framed: by a reflective frame ("it sounds like…"), where it ends, or a stock one."""

    framed: bool
    frame_end: int  # offset in the sentence where the reflective frame ends (0 without one)
    stock: re.Match[str] | None  # "I understand your frustration", matched in the whole turn


def feeling_reflections(
    t: TurnInput,
    s: Sentence,
    low: str,
    felt: list[re.Match[str]],
    framing: Framing,
    *,
    overlap: float,
    families: set[str],
    second: bool,
    self_talk: bool,
) -> list[Signal]:
    """The first feeling the sentence attributes to the customer, if any.

    ``low`` is the sentence's lower-cased text and ``felt`` the feeling phrases found in it (matched on the
    whole turn, so offsets are the turn's).
    """
    a: Analysed = t.agent
    out: list[Signal] = []
    framed, frame_end, stock = framing.framed, framing.frame_end, framing.stock
    if self_talk and not framed:
        return out
    for m in felt:
        word, at, end = m.group(), m.start() - s.start, m.end() - s.start  # offsets in the sentence
        family = LEXICON.family_of(word) or "other"
        before = low[max(0, at - 5) : at]
        politeness = before.endswith(("i'm ", " am ")) and word == "afraid"
        # the "I" of a frame ("I can imagine what a scary time…") is the listener, not the one who feels
        clause = _CLAUSE_BREAK.split(low[frame_end if frame_end <= at else 0 : at])[-1]
        clause = _HEDGE.sub(" ", clause)
        # "I feel lonely too", and "I know how you feel, I have often felt stressed": the agent's own
        # "I'd be losing patience too": the agent would feel it in the customer's place, so the customer does
        shared = _WOULD.search(clause) is not None and low[end:].lstrip(" ,").startswith(("too", "as well"))
        # a feeling phrase that names the customer ("the weight on your shoulders") is never the agent's own
        own = (
            not shared
            and LEXICON.second_person.isdisjoint(words_of(word))
            and (
                (not second and _EXPERIENCER.search(clause) is not None)
                or (_I_FELT.search(clause) is not None and LEXICON.second_person.isdisjoint(words_of(clause)))
            )
        )
        if family == "felt_sense" and _YOU_FEEL.search(clause) is None:
            continue
        if politeness or own or negated_before(low, at, 12) or literal_feeling_word(low, at, end):
            continue  # "don't worry" reassures, "I'm afraid" is a politeness formula: neither reflects
        if family == "relief" and not framed:
            continue  # "I'm glad…" is the agent's feeling; "you sound relieved" reflects the customer's
        in_stock = stock is not None and stock.start() <= m.start() < stock.end()
        if in_stock and overlap < 1.0:
            continue  # "I understand your frustration" alone is a stock frame, not a reflection
        if not (framed or second or shared or overlap >= 1.0 or _about_the_situation(low)):
            continue
        strength = 1.0 if family in families else 0.7
        out.append(
            sig(SignalKind.feeling_reflection, a, m.start(), m.end(), strength=strength, detail=family)
        )
        break
    return out


def _about_the_situation(low: str) -> bool:
    """Whether a sentence opens on the situation ("that must be…", "it sounds…"); an opening "ugh," or
    "oh no," says nothing."""
    opened = _HEDGE.sub("", _INTERJECTION.sub("", low, count=1), count=1).lstrip()
    return opened.startswith(("that", "it", "this", "what", "losing", "being", "having"))
