"""Mirroring signals: content overlap with the customer's recent words, feeling reflection, checks."""

from __future__ import annotations

import re

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal, Span
from simcoach.scoring.signals import CustomerView, TurnInput, customer_span, negated_before, sig
from simcoach.scoring.text import Analysed, Sentence, Token

_P = LEXICON.patterns
_SUGGESTION = re.compile(
    r"\b(?:maybe you|perhaps you|you could|you might (?:want|try|consider|like)|you should|you need to|"
    r"have you (?:tried|considered|thought)|why don't you|why not|^\\W*try (?:to|and)|i (?:would )?suggest|"
    r"i (?:would )?recommend|i'd (?:suggest|recommend)|if i were you|what if you|it might (?:help|be)|"
    r"it may help|you can try|consider)\b"
)
# the agent talking about their own experience (self-disclosure), not about the customer
_SELF = re.compile(
    r"^\W*(?:my|our|me too|i (?:was|had|have|went|used|also|too|did|got|remember|lost|myself|once|"
    r"really (?:like|love|enjoy))|i'm (?:also|too|the same)|i've (?:been|had|done|also|never|always|found|"
    r"tried)|when i|we (?:were|had|have|went|used|did|also))\b"
)
_PROBE_START = re.compile(
    r"^\W*(?:what|how|why|when|where|which|who|do|does|did|can|could|would|will|have|has)\b"
)
_COPY_RUN = 7  # a copied run of this many words is parroting, not reflecting


def _longest_copy(agent: list[str], customer: list[str]) -> int:
    """Length of the longest run of identical consecutive words shared by the two sequences."""
    if not agent or not customer:
        return 0
    best = 0
    prev = [0] * (len(customer) + 1)
    for x in agent:
        cur = [0] * (len(customer) + 1)
        for j, y in enumerate(customer, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def _attributed(t: TurnInput, s: Sentence, low: str) -> bool:
    """Whether a sentence talks about the customer (second person or a reflective frame)."""
    words = t.agent.words(s)
    if any(w.low in LEXICON.second_person for w in words):
        return True
    return _P["reflect_frame"].search(low) is not None or low.lstrip().startswith(
        ("so ", "that", "it", "this")
    )


def mirroring_signals(t: TurnInput, probe_sentences: frozenset[int] = frozenset()) -> list[Signal]:
    """content_reflection, feeling_reflection, understanding_check, stock_frame and parroting.

    ``probe_sentences`` holds the start offsets of sentences that are probing questions: a feeling word
    inside "how do you feel about…?" asks, it does not reflect.
    """
    probes = probe_sentences
    a = t.agent
    out: list[Signal] = []
    recent = t.recent_customers
    cust_stems: dict[str, list[tuple[int, int, int]]] = {}
    cust_words: list[list[str]] = []
    families: set[str] = set()
    for idx, view in recent:
        cust_words.append([tok.low for tok in view.a.tokens if tok.low != "?"])
        families |= view.negative_families
        for tok in view.a.tokens:
            if tok.content:
                cust_stems.setdefault(tok.stem, []).append((idx, tok.start, tok.end))
    views = dict(recent)
    for s in a.sentences:
        low = a.low[s.start : s.end]
        words = a.words(s)
        frame = _P["reflect_frame"].search(low)
        stock = _P["stock_frame"].search(low)
        if stock:
            out.append(sig(SignalKind.stock_frame, a, s.start + stock.start(), s.start + stock.end()))
        check = _P["understanding_check"].search(low)
        if check:
            out.append(sig(SignalKind.understanding_check, a, s.start + check.start(), s.start + check.end()))
        if not recent:
            continue
        matched = [w for w in words if w.content and w.stem in cust_stems]
        weight = sum(w.weight for w in {w.stem: w for w in matched}.values())
        suggestion = _SUGGESTION.search(low) is not None
        self_talk = _SELF.match(low) is not None and not any(w.low in LEXICON.second_person for w in words)
        probe = frame is None and (_PROBE_START.match(low) is not None or s.start in probes)
        about = _attributed(t, s, low)
        reflects = _reflects(matched, cust_stems, views)
        eligible = weight >= 1.0 and not suggestion and not probe and not (self_talk and frame is None)
        if eligible and (weight >= 1.8 or frame is not None or (about and weight >= 1.4)):
            copy = max(_longest_copy([w.low for w in words], cw) for cw in cust_words)
            if copy >= _COPY_RUN or (len(words) >= 5 and copy >= 0.85 * len(words)):
                out.append(sig(SignalKind.parroting, a, s.start, s.end, reflects=reflects))
            else:
                out.append(
                    sig(
                        SignalKind.content_reflection,
                        a,
                        s.start,
                        s.end,
                        strength=min(1.0, weight / 3.0 + 0.3),
                        reflects=reflects,
                        detail=f"{weight:.1f}",
                    )
                )
        if not suggestion and not probe:
            out.extend(_feelings(t, s, low, frame is not None, stock, weight, families))
    return out


def _reflects(
    matched: list[Token], cust_stems: dict[str, list[tuple[int, int, int]]], views: dict[int, CustomerView]
) -> list[Span]:
    spans: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for w in matched:
        for idx, start, end in cust_stems.get(w.stem, [])[-1:]:
            if (idx, start) in seen:
                continue
            seen.add((idx, start))
            spans.append(customer_span(views[idx], idx, start, end))
    return spans[:8]


def _feelings(
    t: TurnInput,
    s: Sentence,
    low: str,
    framed: bool,
    stock: re.Match[str] | None,
    overlap: float,
    families: set[str],
) -> list[Signal]:
    a: Analysed = t.agent
    out: list[Signal] = []
    words = a.words(s)
    second = any(w.low in LEXICON.second_person for w in words)
    self_talk = _SELF.match(low) is not None and not second
    if self_talk and not framed:
        return out
    for m in LEXICON.feeling.finditer(low):
        family = LEXICON.family_of(m.group()) or "other"
        before = low[max(0, m.start() - 5) : m.start()]
        politeness = before.endswith(("i'm ", " am ")) and m.group() == "afraid"
        if politeness or negated_before(low, m.start(), 12):
            continue  # "don't worry" reassures, "I'm afraid" is a politeness formula: neither reflects
        if family == "relief" and not framed:
            continue  # "I'm glad…" is the agent's feeling; "you sound relieved" reflects the customer's
        in_stock = stock is not None and stock.start() <= m.start() < stock.end()
        if in_stock and overlap < 1.0:
            continue  # "I understand your frustration" alone is a stock frame, not a reflection
        subject = low.lstrip().startswith(("that", "it", "this", "what", "losing", "being", "having"))
        if not (framed or second or subject or overlap >= 1.0):
            continue
        strength = 1.0 if family in families else 0.7
        start = s.start + m.start()
        out.append(
            sig(
                SignalKind.feeling_reflection,
                a,
                start,
                start + len(m.group()),
                strength=strength,
                detail=family,
            )
        )
        break
    return out
