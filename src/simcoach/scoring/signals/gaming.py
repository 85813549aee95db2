"""Anti-gaming signals: pasted formulas, apology fatigue, keyword stuffing and script-like delivery."""

from __future__ import annotations

from functools import lru_cache

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal
from simcoach.scoring.signals import TurnInput, sig
from simcoach.scoring.text import Sentence, words_of

_P = LEXICON.patterns
# A turn is checked for corporate phrases only when it holds one of these (plain substring tests: a regex
# alternation of them costs twice as much). Not every corporate phrase holds one ("your call is our…").
_CORPORATE_GATE = (
    *("valu", "priorit", "patien", "choosing", "apolog", "inconv", "at this", "advised", "kindly", "apprec"),
    *("anything else", "strive", "committed", "records", "regret", "accordance", "as per", "unable"),
    *("rest assured", "important", "thank you for"),
)
_ACTING = frozenset({SignalKind.ownership, SignalKind.next_step})
_COMMITTED = frozenset({SignalKind.ownership, SignalKind.time_frame})  # an owned action with a time frame
_N = 4  # a run of this many words shared with an earlier agent turn is a repeated formula (zips assume 4)


@lru_cache(maxsize=4096)
def _grams(text: str) -> frozenset[tuple[str, ...]]:
    words = words_of(text)
    return frozenset(zip(words, words[1:], words[2:], words[3:], strict=False))


def repeated_runs(t: TurnInput) -> list[tuple[int, int, int]]:
    """Character ranges of this turn repeated from earlier agent turns, with how many turns had them."""
    a = t.agent
    if not t.agents:
        return []
    words = [tok for tok in a.tokens if tok.low != "?"]
    if len(words) < _N:
        return []
    lows = [w.low for w in words]
    mine: list[tuple[str, ...]] = list(zip(lows, lows[1:], lows[2:], lows[3:], strict=False))
    hits: dict[tuple[str, ...], int] = {}
    current = set(mine)
    for earlier in t.agents:
        for gram in current & _grams(earlier.text):  # set intersection in C: most turns share nothing
            hits[gram] = hits.get(gram, 0) + 1
    if not hits:
        return []
    count = [0] * len(words)
    for i, gram in enumerate(mine):
        n = hits.get(gram, 0)
        if n:
            for j in range(i, i + _N):
                count[j] = max(count[j], n)
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        if count[i] == 0:
            i += 1
            continue
        j = i
        peak = 0
        while j < len(words) and count[j] > 0:
            peak = max(peak, count[j])
            j += 1
        runs.append((words[i].start, words[j - 1].end, peak))
        i = j
    return runs


@lru_cache(maxsize=4096)
def _apologised(low: str) -> bool:
    return ("sorr" in low or "apolog" in low) and _P["apology"].search(low) is not None


def gaming_signals(t: TurnInput, positive: list[Signal]) -> list[Signal]:
    """repeated_formula, repeated_apology, keyword_stuffing and scripted_delivery."""
    a = t.agent
    out: list[Signal] = []
    for start, end, peak in repeated_runs(t):
        out.append(
            sig(SignalKind.repeated_formula, a, start, end, strength=min(1.0, 0.5 * peak), detail=str(peak))
        )
    apologies = list(a.finditer("apology")) if _apologised(a.low) else []
    earlier = sum(1 for p in t.agents if _apologised(p.low))
    if len(apologies) >= 2:
        out.append(
            sig(SignalKind.repeated_apology, a, apologies[1].start(), apologies[1].end(), detail="in-turn")
        )
    elif apologies and earlier >= 2:
        m = apologies[0]
        out.append(sig(SignalKind.repeated_apology, a, m.start(), m.end(), detail=f"apology {earlier + 1}"))
    words = [tok for tok in a.tokens if tok.low != "?"]
    cust = t.recent_stems
    specific = sum(w for s, w in a.content.items() if s in cust)
    kinds = {s.kind for s in positive}
    acts = not _ACTING.isdisjoint(kinds)
    low = a.low
    # no substring pre-check: the pattern is tried only where its first words start (and each of its
    # phrases holds one of the substrings such a check looked for, so the result is the same)
    keywords = list(a.finditer("keyword_empathy"))
    # five or more: one "I understand your frustration, sorry for the inconvenience" is a (weak) formula,
    # a pile of them is stuffing
    if len(keywords) >= 5 and not acts and specific < 1.5 and len(keywords) / max(1, len(words)) >= 0.15:
        out.append(
            sig(
                SignalKind.keyword_stuffing,
                a,
                keywords[0].start(),
                keywords[-1].end(),
                detail=str(len(keywords)),
            )
        )
    else:
        pasted = _pasted(t, positive)
        if pasted is not None:
            out.append(sig(SignalKind.keyword_stuffing, a, pasted[0], pasted[1], detail="pasted"))
    corporate = list(a.finditer("corporate")) if any(part in low for part in _CORPORATE_GATE) else []
    second = any(w.low in LEXICON.second_person for w in words)
    # "Thank you for your patience. I've chased it and you'll have it by Thursday." commits to a time: one
    # stock phrase beside an owned, timed action is no script, whatever words of the customer's it repeats
    # ("…your request has been escalated and you will receive a response within 5 days" owns nothing)
    lone = len(corporate) == 1 and specific < 1.0 and len(words) >= 12 and not _COMMITTED.issubset(kinds)
    if len(corporate) >= 2 or lone:
        out.append(sig(SignalKind.scripted_delivery, a, corporate[0].start(), corporate[-1].end()))
    elif len(words) >= 30 and not second and specific < 1.0 and t.customers:
        out.append(sig(SignalKind.scripted_delivery, a, 0, len(a.text), strength=0.6, detail="generic"))
    return out


_EMPATHY = frozenset(
    {
        SignalKind.feeling_reflection,
        SignalKind.content_reflection,
        SignalKind.validation,
        SignalKind.stock_frame,
        SignalKind.specific_apology,
        SignalKind.hollow_apology,
        SignalKind.reassurance,
    }
)


def _pasted(t: TurnInput, positive: list[Signal]) -> tuple[int, int] | None:
    """From the first to the last copy of an empathy sentence said more than once in this turn."""
    a = t.agent
    if len(a.sentences) < 2:
        return None
    copies: dict[str, list[Sentence]] = {}
    for s in a.sentences:
        copies.setdefault(a.low[s.start : s.end].rstrip(" .!?"), []).append(s)
    if len(copies) == len(a.sentences):
        return None  # the usual case: no sentence said twice
    for key, same in copies.items():
        first = same[0]
        if " " not in key:
            continue  # "Sorry. Sorry." is the repeated apology's business
        empathic = any(
            p.kind in _EMPATHY and p.span is not None and first.start <= p.span.start < first.end
            for p in positive
        )
        if len(same) > 1 and empathic:  # "That sounds frustrating." three times over
            return first.start, same[-1].end
    return None


def personalisation_signals(t: TurnInput) -> list[Signal]:
    """The customer's name, or several specifics of their situation, used in this turn."""
    a = t.agent
    out: list[Signal] = []
    name = (t.customer_name or "").lower()
    if name:
        for tok in a.tokens:
            if tok.low == name:
                out.append(sig(SignalKind.personalisation, a, tok.start, tok.end, detail="name"))
                break
    cust: set[str] = set()
    for _, view in t.customers[-3:]:
        cust |= {s for s, w in view.a.content.items() if w >= 1.0}
    hits = [tok for tok in a.tokens if tok.content and tok.weight >= 1.0 and tok.stem in cust]
    if len({tok.stem for tok in hits}) >= 2:
        out.append(sig(SignalKind.personalisation, a, hits[0].start, hits[-1].end, detail="details"))
    return out
