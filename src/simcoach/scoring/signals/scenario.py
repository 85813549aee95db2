"""Scenario-bound signals: offers (allowed or forbidden) and required disclosures, by tolerant cue match."""

from __future__ import annotations

from functools import lru_cache

from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.models import Signal
from simcoach.scoring.signals import TurnInput, negated_before, sig
from simcoach.scoring.text import Analysed, Token, analyse


@lru_cache(maxsize=2048)
def cue_stems(cue: str) -> tuple[str, ...]:
    """The stems a cue needs: its content words, or every word when it has none."""
    toks = [tok for tok in analyse(cue).tokens if tok.low != "?"]
    content = tuple(dict.fromkeys(tok.stem for tok in toks if tok.content))
    return content or tuple(dict.fromkeys(tok.stem for tok in toks))


def match_cue(a: Analysed, cue: str) -> tuple[int, int] | None:
    """Where the agent text makes the cue: every cue stem inside one sentence (case and inflection free)."""
    need = cue_stems(cue)
    if not need:
        return None
    low_cue = cue.lower().strip()
    pos = a.low.find(low_cue)
    if pos >= 0:
        return pos, pos + len(low_cue)
    for s in a.sentences:
        toks: list[Token] = a.tokens[s.first : s.last]
        found: list[Token] = []
        for stem in need:
            hit = next((tok for tok in toks if tok.stem == stem), None)
            if hit is None:
                break
            found.append(hit)
        else:
            return min(t.start for t in found), max(t.end for t in found)
    return None


def scenario_signals(a: Analysed, scenario: Scenario) -> list[Signal]:
    """offer_made, forbidden_offer and disclosure_made, each with the offer or disclosure id in detail."""
    out: list[Signal] = []
    for offer in scenario.policy.may_offer:
        for cue in offer.cues:
            got = match_cue(a, cue)
            if got and not negated_before(a.low, got[0]):
                out.append(sig(SignalKind.offer_made, a, got[0], got[1], detail=offer.id))
                break
    for offer in scenario.policy.may_not_offer:
        for cue in offer.cues:
            got = match_cue(a, cue)
            if got and not negated_before(a.low, got[0]):
                out.append(sig(SignalKind.forbidden_offer, a, got[0], got[1], detail=offer.id))
                break
    for disclosure in scenario.required_disclosures:
        for cue in disclosure.cues:
            got = match_cue(a, cue)
            if got:
                out.append(sig(SignalKind.disclosure_made, a, got[0], got[1], detail=disclosure.id))
                break
    return out


def disclosed_before(t: TurnInput) -> set[str]:
    """Ids of the required disclosures the agent made in earlier turns (worked out once per turn)."""
    got = t.cache.get("disclosed_before")
    if not isinstance(got, set):
        got = set()
        if t.scenario is not None:
            got = disclosures_made([analyse(p.text) for p in t.agents], t.scenario)
        t.cache["disclosed_before"] = got
    return got


def disclosures_made(turns: list[Analysed], scenario: Scenario) -> set[str]:
    """Ids of the required disclosures made in any of these agent turns."""
    made: set[str] = set()
    for a in turns:
        for disclosure in scenario.required_disclosures:
            if disclosure.id not in made and any(match_cue(a, cue) for cue in disclosure.cues):
                made.add(disclosure.id)
    return made
