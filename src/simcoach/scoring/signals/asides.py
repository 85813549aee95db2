"""Asides: yes/no questions that only bridge to the agent's advice or own story, not the turn's point."""

from __future__ import annotations

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal
from simcoach.scoring.signals.probing import WH_WORD, value_slot
from simcoach.scoring.text import Analysed, Sentence

_P = LEXICON.patterns

_ACKNOWLEDGING = frozenset(
    {
        SignalKind.content_reflection,
        SignalKind.feeling_reflection,
        SignalKind.validation,
        SignalKind.specific_apology,
        SignalKind.hollow_apology,
        SignalKind.stock_frame,
        SignalKind.understanding_check,
    }
)
_ASKING = frozenset({SignalKind.open_question, SignalKind.closed_question, SignalKind.elicitation})
_ASIDE_MIN_WORDS = 12  # a sentence or two of real content, not "Oh no." or "I see."


def _advises(a: Analysed, sent: Sentence) -> bool:
    """Whether a sentence gives advice ("it might help to…", "you could…", "try…")."""
    return _P["advice_statement"].search(a.low, sent.start, sent.end) is not None


# "the pandemic is making everyone feel raw, I think": a hedge, not the agent's own story
_HEDGES = frozenset({"think", "guess", "believe", "suppose", "imagine", "reckon", "bet", "mean"})


def _unhedged(words: list[str]) -> list[str]:
    """The words without "I think", "I guess" and the like."""
    hedged = {i for i, w in enumerate(words[:-1]) if w == "i" and words[i + 1] in _HEDGES}
    return [w for i, w in enumerate(words) if i not in hedged and i - 1 not in hedged] if hedged else words


def drop_asides(a: Analysed, signals: list[Signal]) -> list[Signal]:
    """Drop yes/no questions that bridge to advice or the agent's own story (not the point of the turn)."""
    # "I started running when I was low and it helped a lot. Do you have a gym nearby?" leads into a
    # suggestion. Open questions, questions for a value and acknowledging sentences are left alone.
    kind = SignalKind.closed_question  # read once: an enum member costs a hook call per read on 3.11
    # only a yes/no question bridges: "How many visits have you booked?" asks for a fact whatever came before
    closed = [
        s
        for s in signals
        if s.kind is kind
        and s.span is not None
        and not value_slot(low := s.span.text.lower())
        and WH_WORD.match(low) is None
    ]
    if not closed:
        return signals
    asking: set[int] = set()
    acknowledging: set[int] = set()
    for s in signals:
        if s.span is None:
            continue
        for i, sent in enumerate(a.sentences):
            if sent.start <= s.span.start < sent.end:
                if s.kind in _ASKING:
                    asking.add(i)
                elif s.kind in _ACKNOWLEDGING:
                    acknowledging.add(i)
                break
    asked = other = 0
    advice = False
    for i, sent in enumerate(a.sentences):
        words = [tok.low for tok in a.tokens[sent.first : sent.last] if tok.low != "?"]
        if i in asking or sent.question_mark:
            asked += len(words)
        elif i not in acknowledging:
            advises = _advises(a, sent)
            advice = advice or advises
            # advice, or the agent's own story: "I" with no "you" ("I guess it's been an eye-opener for
            # you" is the agent's view of the customer's situation)
            own = not LEXICON.first_person.isdisjoint(_unhedged(words))
            own_story = own and LEXICON.second_person.isdisjoint(words)
            if advises or own_story:
                other += len(words)
    # "Have you talked to your manager? It might help to…" is a suggestion, wherever the question sits
    if not advice and (other < _ASIDE_MIN_WORDS or other <= asked):
        return signals
    dropped = {(s.span.start, s.span.end) for s in closed if s.span is not None}
    return [
        s
        for s in signals
        if not (
            s.kind in (SignalKind.closed_question, SignalKind.follow_up, SignalKind.elicitation)
            and s.span is not None
            and (s.span.start, s.span.end) in dropped
        )
    ]
