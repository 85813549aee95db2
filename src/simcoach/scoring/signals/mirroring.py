"""Mirroring signals: content overlap with the customer's recent words, feeling reflection, checks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal, Span
from simcoach.scoring.signals import (
    CustomerView,
    TurnInput,
    customer_span,
    repeats_customer,
    sig,
)
from simcoach.scoring.signals.feeling import Framing, feeling_reflections
from simcoach.scoring.signals.literal import literal_feeling_word
from simcoach.scoring.signals.mirroring_phrases import (
    ADVICE_WORDS,
    FRAME_TAIL,
    LEAD_MIN,
    PARAPHRASE,
    PROBE_START,
    SELF,
    STOCK_WORDS,
    STORY_GOES_ON,
    SUBORDINATE,
    SUGGESTION,
    SUMMARY_WORDS,
    WISH,
)
from simcoach.scoring.text import Analysed, Sentence, Token

_COPY_RUN = 7  # a copied run of this many words is parroting, not reflecting
_OWN_WORDS = 3  # content words outside the quoted runs that make a sentence a paraphrase


def _copied(agent: list[str], customer: list[str]) -> set[int]:
    """Which of the agent's words echo the customer verbatim: those in a shared run of ``_COPY_RUN`` words,
    or (for a short sentence) all of them when the whole sentence is found word for word in the message."""
    if len(agent) < 5 or len(customer) < 5:
        return set()
    joined = " " + " ".join(customer) + " "
    if len(agent) <= _COPY_RUN:
        return set(range(len(agent))) if " " + " ".join(agent) + " " in joined else set()
    grams = {tuple(customer[i : i + _COPY_RUN]) for i in range(len(customer) - _COPY_RUN + 1)}
    out: set[int] = set()
    for i in range(len(agent) - _COPY_RUN + 1):
        if tuple(agent[i : i + _COPY_RUN]) in grams:
            out.update(range(i, i + _COPY_RUN))
    return out


def _bucket(matches: Iterable[re.Match[str]], sentences: list[Sentence]) -> dict[int, re.Match[str]]:
    """The first match of a pattern in each sentence (one scan of the whole turn), keyed by sentence start."""
    found: dict[int, re.Match[str]] = {}
    i = 0
    for m in matches:
        while i < len(sentences) and sentences[i].end <= m.start():
            i += 1
        if i == len(sentences):
            break
        found.setdefault(sentences[i].start, m)
    return found


def _clauses(
    a: Analysed, probe_at: frozenset[int], feeling_at: list[int]
) -> tuple[list[Sentence], frozenset[int]]:
    """The sentences, a statement before a probe in the same sentence split off; and the probes' starts.

    "You mentioned it's the third time this month - were the others at the same shop?" reflects, then
    asks: the statement is read as a sentence of its own, the question as a probe. So does a feeling named
    before the question ("sorry you're feeling depressed, do you want to talk about it?").
    """
    if not probe_at:
        return a.sentences, frozenset()
    out: list[Sentence] = []
    probes: set[int] = set()
    tokens = a.tokens
    for s in a.sentences:
        q = next((p for p in probe_at if s.start <= p < s.end), None)
        if q is None:
            out.append(s)
            continue
        k = next((i for i in range(s.first, s.last) if tokens[i].start >= q), s.last)
        lead = sum(1 for tok in tokens[s.first : k] if tok.content)
        named = any(s.start <= f < q for f in feeling_at)
        if (lead < LEAD_MIN and not named) or SUBORDINATE.match(a.low, s.start) is not None:
            # "Oh no, what happened?" holds nothing to reflect; "While you wait, is there…?" is one question
            out.append(s)
            probes.add(s.start)
            continue
        out.append(Sentence(s.start, tokens[k - 1].end, s.first, k, False))
        out.append(Sentence(q, s.end, k, s.last, s.question_mark))
        probes.add(q)
    return out, frozenset(probes)


_RECAP_REACH = 4  # customer messages an announced recap may reflect
# where a clause of the agent's own story or of everyone's may begin inside a sentence: ", my dad had…",
# "…, we're all under pressure these days"
_CLAUSE_BREAK = re.compile(r"(?:,|;| -| –| —| and)\s+(?:honestly,?\s+)?")
_EVERYONE = LEXICON.compile(r"(?:we(?:'re| are) all|everyone(?:'s| is)|everybody(?:'s| is))\b")
# the words such a clause can open with (SELF's and _EVERYONE's first words): others are passed over unread
_STORY_FIRST = frozenset(
    {"my", "me", "i", "i'm", "im", "i've", "ive", "when", "we", "we're", "were", "everyone", "everybody"}
    | {"everyone's", "everybody's", "as", "no", "yes", "yeah", "nope", "yep"}
)


def _stories_apart(a: Analysed, sents: list[Sentence]) -> tuple[list[Sentence], frozenset[int]]:
    """The sentences, with a closing clause that tells the agent's own story or everyone's split off
    ("I know exactly how you feel, my dad had a heart attack and it was awful"): read on its own, it is
    the agent's, and its feeling words and the customer's words in it reflect nothing of the customer's.
    Also returns where the split-off clauses start."""
    out: list[Sentence] = []
    stories: set[int] = set()
    tokens = a.tokens
    for s in sents:
        cut = None
        for m in _CLAUSE_BREAK.finditer(a.low, s.start, s.end):
            at = m.end()
            if a.low[at : at + 12].split(" ", 1)[0] not in _STORY_FIRST:
                continue
            # SELF is anchored at "^": it is matched on the clause, not at an offset of the whole text; "our
            # engineer missed it" is the company's fault said back, not a story of the agent's own
            own = not a.low.startswith("our ", at) and SELF.match(a.low[at : s.end]) is not None
            if not own and _EVERYONE.match(a.low, at) is None:
                continue
            tail = (tok.low for tok in tokens[s.first : s.last] if tok.start >= at)
            if LEXICON.second_person.isdisjoint(tail):
                cut = at
                break
        if cut is None:
            out.append(s)
            continue
        k = next(i for i in range(s.first, s.last) if tokens[i].start >= cut)
        out.append(Sentence(s.start, tokens[k - 1].end, s.first, k, False))
        out.append(Sentence(cut, s.end, k, s.last, s.question_mark))
        stories.add(cut)
    return out, frozenset(stories)


def mirroring_signals(t: TurnInput, probe_at: frozenset[int] = frozenset()) -> list[Signal]:
    """content_reflection, feeling_reflection, understanding_check, stock_frame and parroting.

    ``probe_at`` holds the start offsets of the probing questions: a feeling word inside "how do you feel
    about…?" asks, it does not reflect.
    """
    a = t.agent
    out: list[Signal] = []
    felt = list(a.feelings()) if t.customers and a.may_feel() else []
    sents, probe_starts = _clauses(a, probe_at, [m.start() for m in felt])
    stories: frozenset[int] = frozenset()
    if len(a.tokens) > 8:  # a story clause needs room beside what it follows
        sents, stories = _stories_apart(a, sents)
    lows = a.lows
    checks = _bucket(a.finditer("understanding_check"), sents)  # gated by its own first words
    summaries = _bucket(a.finditer("summary_frame"), sents) if not SUMMARY_WORDS.isdisjoint(lows) else {}
    # a recap that says it is one ("just to check I've understood…", "…, is that right?") may reach back
    # past the last two messages; an unannounced echo of something said long ago is not a reflection
    recent = t.customers[-_RECAP_REACH:] if checks or summaries else t.recent_customers
    cust_stems: dict[str, list[tuple[int, int, int]]] = {}
    cust_words: list[list[str]] = []
    families: set[str] = set()
    for idx, view in recent:
        cust_words.append(list(view.said))
        families |= view.negative_families
        for stem, start, end in view.stems:
            cust_stems.setdefault(stem, []).append((idx, start, end))
    views = dict(recent)
    frames = _bucket(a.finditer("reflect_frame"), sents)
    for start, m in summaries.items():  # "just to check I've understood…", "so to clarify, you…"
        if start not in frames or m.start() < frames[start].start():
            frames[start] = m
    stocks = _bucket(a.finditer("stock_frame"), sents) if not STOCK_WORDS.isdisjoint(lows) else {}
    suggestions = (
        _bucket(
            (m for m in SUGGESTION.finditer(a.low) if not _said_back(a.low, m, cust_words)),
            sents,
        )
        if recent and not ADVICE_WORDS.isdisjoint(lows)
        else {}
    )
    feelings = _bucket(felt, sents) if recent else {}
    carried: re.Match[str] | None = None  # a frame that ends its sentence with ":" frames the next one
    for i, s in enumerate(sents):
        stock = stocks.get(s.start)
        if stock:
            out.append(sig(SignalKind.stock_frame, a, stock.start(), stock.end()))
        check = checks.get(s.start)
        if check:
            out.append(sig(SignalKind.understanding_check, a, check.start(), check.end()))
        if not recent:
            continue
        frame = frames.get(s.start) or carried
        words = a.words(s)
        # "Let me make sure I have this right: you paid twice…" — the colon ends a sentence for the splitter
        carried = None
        if frame is not None and a.low[s.end - 1] == ":":
            tail = [w for w in words if w.content and w.start >= frame.end() and w.low not in FRAME_TAIL]
            carried = None if tail else frame
        lo = min(s.start, frame.start()) if frame is not None else s.start  # quote a carried frame too
        matched = [w for w in words if w.content and w.stem in cust_stems]
        if frame is None and not matched and s.start not in feelings:
            continue  # nothing of the customer's and no frame or feeling: nothing to reflect here
        low = a.low[s.start : s.end]
        if ("hope" in low or "wish" in low) and WISH.search(low):
            continue  # "I hope you feel better soon!" wishes the customer well; it reflects nothing they said
        second = any(w.low in LEXICON.second_person for w in words)
        weight = sum(w.weight for w in {w.stem: w for w in matched}.values())
        advice = suggestions.get(s.start)
        suggestion = advice is not None and not _recapped(a.low, s, advice, summaries.get(s.start), check)
        self_talk = s.start in stories or (not second and SELF.match(low) is not None)
        # a probing question asks even when it contains "you feel"; a rising-tone reflection is not a probe
        probe = s.start in probe_starts or (frame is None and PROBE_START.match(low) is not None)
        about = second or frame is not None or low.lstrip().startswith(("so ", "that", "it", "this"))
        eligible = weight >= 1.0 and not suggestion and not probe and not (self_talk and frame is None)
        paraphrase = frame is not None and PARAPHRASE.match(a.low, frame.start()) is not None
        if frame is not None and not eligible and paraphrase and not suggestion and not probe:
            # "It sounds like you're being laid off": a paraphrase in the agent's own words shares few
            # of the customer's words; a reflective frame about the customer plus content after it counts
            after = [w for w in words if w.start >= frame.end() and w.content]
            if len(after) >= 2:
                out.append(
                    sig(SignalKind.content_reflection, a, lo, s.end, strength=0.5, detail="paraphrase")
                )
        if eligible and (weight >= 1.8 or frame is not None or (about and weight >= 1.4)):
            reflects = _reflects(matched, cust_stems, views)
            said = [w.low for w in words]
            echoed = set().union(*(_copied(said, cw) for cw in cust_words)) if cust_words else set()
            if echoed and not _adds_feeling(a, words, echoed) and not _adds_own_words(words, echoed):
                out.append(sig(SignalKind.parroting, a, s.start, s.end, reflects=reflects))
            else:
                strength = min(1.0, weight / 3.0 + 0.3)
                out.append(
                    sig(
                        SignalKind.content_reflection,
                        a,
                        lo,
                        s.end,
                        strength=strength,
                        reflects=reflects,
                        detail=f"{weight:.1f}",
                    )
                )
        if not suggestion and not probe and s.start in feelings:
            outside = weight
            if stock is not None:  # the stock frame's own words ("your frustration") are not overlap
                outside = sum(
                    w.weight
                    for w in {w.stem: w for w in matched}.values()
                    if not stock.start() <= w.start < stock.end()
                )
            frame_end = max(0, frame.end() - s.start) if frame is not None else 0
            out.extend(
                feeling_reflections(
                    t,
                    s,
                    low,
                    [m for m in felt if s.start <= m.start() and m.end() <= s.end],
                    Framing(frame is not None, frame_end, stock),
                    overlap=outside,
                    families=families,
                    second=second,
                    self_talk=self_talk or (not second and i > 0 and _goes_on(a, sents[i - 1], low)),
                )
            )
    return out


def _goes_on(a: Analysed, before: Sentence, low: str) -> bool:
    """Whether a sentence goes on with the agent's own story told just before it ("My card was charged
    twice last year. It was a nightmare."): "it" in the past tense is the agent's experience; "it can be
    hard" speaks of the customer's too."""
    if STORY_GOES_ON.match(low) is None:
        return False
    told = a.low[before.start : before.end]
    story = LEXICON.second_person.isdisjoint(w.low for w in a.words(before))
    return story and SELF.match(told) is not None


def _recapped(
    low: str,
    s: Sentence,
    advice: re.Match[str],
    summary: re.Match[str] | None,
    check: re.Match[str] | None,
) -> bool:
    """Whether advice-shaped words sit inside an announced recap ("If I understand you correctly, … so you
    need to find another job to pay it off?", or before a check that closes the sentence: "…you need to
    move out, is that right?"): the customer's plan said back, not the agent's suggestion."""
    if summary is not None and summary.start() < advice.start():
        return True
    if check is None or check.start() <= advice.start():
        return False
    return not low[check.end() : s.end].strip(" ?.!")  # nothing but punctuation after the check


def _said_back(low: str, m: re.Match[str], cust_words: list[list[str]]) -> bool:
    """Whether advice-shaped words only repeat the customer's own ("…and you need to pay a bill today"
    after "I need to pay a bill today"): a restatement of their need, not a suggestion."""
    if "need" not in m.group() and "want" not in m.group():
        return False  # "you should invite your friends" after "I should invite my friends" still advises
    return repeats_customer(low, m.start(), cust_words, 5)


def _adds_own_words(words: list[Token], echoed: set[int]) -> bool:
    """Whether a sentence says enough in its own words beside the clause it quotes ("So the phone was
    promised for Monday, it still hasn't come, and you need it for work tomorrow"): a paraphrase that keeps
    one phrase of the customer's is a reflection, not an echo."""
    return sum(1 for i, w in enumerate(words) if w.content and i not in echoed) >= _OWN_WORDS


def _adds_feeling(a: Analysed, words: list[Token], echoed: set[int]) -> bool:
    """Whether a sentence names a feeling beside the words it repeats ("…, and you're feeling let down
    about it"): a restatement that adds the feeling is a reflection, not an echo."""
    for m in a.feelings():
        if literal_feeling_word(a.low, m.start(), m.end()):
            continue
        at = [i for i, w in enumerate(words) if m.start() <= w.start < m.end()]
        if at and not echoed.issuperset(at):
            return True
    return False


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
