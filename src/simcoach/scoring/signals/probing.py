"""Probing signals: questions found by syntax (not only '?'), open vs closed, leading, stacked, re-asks."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal
from simcoach.scoring.signals import TurnInput, customer_span, sig
from simcoach.scoring.text import Analysed

_P = LEXICON.patterns
_MARKERS = re.compile(r"^(?:" + _P["discourse_markers"].pattern + r")\b[\s,!.:-]*", re.IGNORECASE)
# the same without IGNORECASE (~2.5x faster): equal on ASCII text, which is already lower-cased here, but
# IGNORECASE also lets a few other letters match ("ſo" for "so"), so other text keeps the first one
_MARKERS_ASCII = re.compile(_MARKERS.pattern)
# the elicitation pattern for searching inside a sentence, without its "^" branch (which would test every
# position): a bare imperative ("tell me…") is tried where a clause opens after a comma instead
_ELICIT_SEARCH = re.compile(r"(?<![\w'])(?:" + _P["elicitation"].pattern.replace("(?:^|", "(?:", 1) + ")")
_VOCATIVE = re.compile(r"^[a-z]+,\s+")
_WH_ADVERB = re.compile(
    r"^(what|how|why|when|where|who|which) (?:exactly|actually|really|precisely|specifically) "
)
_CLAUSE_SPLIT = re.compile(
    r",\s+|\s+[-–—]+\s+"
    r"|\s+(?:and|but|so|or)\s+(?=(?:what|how|why|when|where|which|who|do|did|is|are|can|could|would|have)\b)"
)
_YOU_SUBJECT = LEXICON.compile(r"(?:you|you're|you've|you'd|you'll|your \w+)\s+(?!know\b)")
# "what did he say?" asks after someone the customer just told of, as "what happened then?" after an event
_ANAPHORA = frozenset(
    {"that", "this", "it", "then", "there", "those", "these", "next"}
    | {"he", "she", "him", "her", "they", "them"}
)
_MORE_OF_IT = re.compile(r"\bmore(?: please)?\W*$")  # "tell me more?": more of what was just said
_REQUEST = re.compile(r"\b(?:please|confirm|provide|give me|send me|need|take|have|may i|can i|could i)\b")
# "what did the driver say?" and "what is stopping you?" invite an account; "what's the order number?"
# asks for one fact
_WHAT_AUX = LEXICON.compile(
    r"what (?:did|does|do|has|have|had|was|were|would|could|can|will|should|might)\b"
    r"|what (?:is|are|'s|'re) (?!\w*thing\b)\w+ing\b"
)
# a clause about "you" closed by a tag ("…, and you didn't raise it at the time, did you?"): the answer is
# put in the customer's mouth, whatever leads into the clause ("Just so I'm clear, you didn't…")
_TAG = LEXICON.compile(
    r"(?:^\W*|[,;:]\s+|\b(?:and|but|so)\s+)(?:you'd|you've|you're|you'll|you)\b.*, "
    r"(?:did|do|have|are|were|can|will|is|was|would|could"
    r"|didn't|don't|haven't|aren't|weren't|won't|wouldn't|couldn't|hadn't) (?:you|it|they)\W*$"
)
_TAG_TAIL = (" you", " it", " they")


def _tagged(seg: str) -> bool:
    """Whether a question sentence closes on a tag about "you" (:data:`_TAG`); its ending is checked first,
    since searching the whole sentence for where the clause begins costs more than most questions need."""
    tail = seg.rstrip(" ?!.\"'")
    return tail.endswith(_TAG_TAIL) and ", " in tail[-16:] and _TAG.search(seg) is not None


_ELICIT_WORDS = frozenset(
    {"tell", "walk", "talk", "take", "run", "help", "describe", "explain", "share", "fill", "give"}
    | {"love", "like", "wonder", "wondering", "curious", "know"}
)
# Without a question mark only clear interrogative syntax counts: "do that and stay positive" is an
# instruction and "when done, you're done" a statement; "is the refund through" and "how long ago did it
# arrive" ask.
# a question's opening wh-word (also read by the asides: a wh-question asks whatever came before it)
WH_WORD = LEXICON.compile(r"^(?:what|what's|which|when|where|who|who's|whose|whom|how|how's|why)\b")
_IMPERATIVE_DO = re.compile(r"^do (?:that|this|it|those|these|the|so|something|anything|your|my)\b")
_CLEAR_WHEN = LEXICON.compile(
    r"^(?:when|where)(?: (?!there\b|it\b|this\b|that\b)[a-z]+)?"  # "when there is…" is a statement
    r" (?:is|are|was|were|do|does|did|can|could|would|will|have|has|had|should)\b"
)
# Without a question mark these open like questions but are statements: a wh-clause embedded after
# "I see" ("I see how stressful this is"), a headless relative ("what you need to do is…", "where you are
# coming from"), a relative continuing the last message ("which is all we can do"), "anyone would…", an
# inverted conditional ("had the engineer rung ahead, you would…") and "do your best / do any work…"
_EMBEDDED_AFTER = re.compile(r"\bi see $")
_UNMARKED_STATEMENT = LEXICON.compile(
    r"(?:what|where) (?:you|your|my|his|her|their|our|one|he|she|they|we|people|someone|everyone)\b"
    r"(?! \w+ing\b)"
    # "What really helped me was…", "What worked for me was cycling": the agent's own story, pseudo-cleft
    r"|what (?:\w+ ){0,2}(?:helped|helps|worked|works|got|gets|kept|keeps|matters|mattered)"
    r" (?:for )?(?:me|us)\b"
    r"|what(?:'s)? done is done"
    r"|which (?:is|was|means|meant|makes|made|can|could|would|will|has|had|isn't|wasn't)\b"
    r"|may (?:his|her|their|god|you|your)\b"  # a blessing: "May his soul rest in peace"
    r"|any(?:one|body|thing)(?: (?!i\b|you\b|we\b)\w+){0,3} (?:would|will|should|can|could|might|is|was)\b"
    r"|had (?:you|i|we|they|he|she|it|this|that|the \w+)\b[^,]*, "
    r"|do (?:any|some|whatever|your best)\b"
)
_OPEN = "open"
_CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Question:
    """A question or elicitation found in the agent turn."""

    start: int
    end: int
    kind: str  # open | closed
    leading: bool
    elicitation: bool
    marked: bool  # had a question mark
    syntactic: bool  # had interrogative syntax
    role: str = "probe"  # probe | advice | phatic | check | declarative
    tag_only: bool = False  # leading only by its tag ("…, did you?"), with no blame or loaded wording


def _strip_markers(seg: str) -> int:
    """How many leading characters are discourse markers ('ok so', 'thanks,' …)."""
    pos = 0
    markers = _MARKERS_ASCII if seg.isascii() else _MARKERS
    for _ in range(4):
        m = markers.match(seg[pos:])
        if not m or m.end() == 0:
            v = _VOCATIVE.match(seg[pos:])
            if v and pos == 0 and len(v.group()) < 14:
                pos += v.end()
                continue
            break
        pos += m.end()
    return pos


def _classify(clause: str) -> tuple[str | None, bool]:
    """(open|closed|None, syntactic) for a clause that starts where a question would."""
    if (adverb := _WH_ADVERB.match(clause)) is not None:  # "what exactly happened" asks as "what happened"
        clause = f"{adverb.group(1)} {clause[adverb.end() :]}"
    if _P["wh_statement"].match(clause):
        return None, False
    if _P["elicitation"].match(clause):
        return _OPEN, True
    if _P["closed_wh"].match(clause):
        return _CLOSED, True
    if _P["open_wh"].match(clause):
        return _OPEN, True
    if _P["wh_start"].match(clause):
        opens = clause.startswith(("how", "why")) or _WHAT_AUX.match(clause) is not None
        return (_OPEN if opens else _CLOSED), True
    if _P["aux_subject"].match(clause):
        return _CLOSED, True
    if _P["aux_start"].match(clause):
        return _CLOSED, False
    return None, False


def _unmarked_statement(marker: str, clause: str) -> bool:
    """Whether a clause without '?' that opens like a question is a statement (see _UNMARKED_STATEMENT)."""
    return _EMBEDDED_AFTER.search(marker) is not None or _UNMARKED_STATEMENT.match(clause) is not None


def _statement_start(clause: str) -> bool:
    """Whether a clause opens as a statement about the customer ("you think…", "it sounds like…")."""
    # "(so) you think the shifts are the problem?" has no inversion: a reflection said with a rising tone
    return _P["reflect_frame"].match(clause) is not None or _YOU_SUBJECT.match(clause) is not None


def _later_clause_asks(clause: str) -> bool:
    """Whether a clause after a comma or 'and' is itself a question, not the rest of a statement."""
    # "…and do not know if it works?" or "…, which had a deadline?" continue a statement
    return (
        _P["aux_subject"].match(clause) is not None
        or _P["inner_question"].match(clause) is not None
        or clause.startswith(("what", "how", "why"))
        or _P["elicitation"].match(clause) is not None
    )


def _tail_check(start: int, end: int, seg: str, last: int) -> Question | None:
    """A statement ending in '…, is that right?' checks understanding: the whole sentence is the check."""
    if last == 0:
        return None
    tail = seg[last + _strip_markers(seg[last:]) :]
    if _P["understanding_check"].match(tail) is None:
        return None
    return Question(start, end, _CLOSED, False, False, True, True, "check")


def _role(clause: str) -> str:
    if _P["elicitation"].match(clause):
        return "probe"  # "would you like to tell me what happened?" invites an account, it is no offer
    if _P["phatic_question"].match(clause):
        return "phatic"
    if _P["advice_question"].match(clause) or _P["inform_question"].match(clause):
        return "advice"  # a suggestion or a piece of information in question form
    if _P["request_question"].match(clause):
        return "request"
    if _P["understanding_check"].match(clause) or _P["acceptance_question"].match(clause):
        return "check"
    return "probe"


_VALUE_REQUEST = re.compile(
    r"^\W*(?:(?:ok|okay|thanks|thank you|great|right|sure),? )?"
    # a reason first ("For security purposes, please confirm…") asks for the value all the same
    r"(?:(?:for (?:security|verification|data protection)(?: purposes| reasons)?"
    r"|to (?:verify|confirm|check) (?:your identity|it's you|who you are)),? )?"
    r"(?:please |can you |could you |would you )?"
    r"(?:kindly )?(?:provide|give|send|confirm|tell|share|let me (?:have|know))(?: me)?(?: with)?"
    r" (?:your|the)\b"
)


def find_questions(a: Analysed) -> list[Question]:
    """Every question clause and elicitation in the text, in order, with its role."""
    out: list[Question] = []
    elicit_words = not _ELICIT_WORDS.isdisjoint(a.lows)
    for s in a.sentences:
        seg = a.low[s.start : s.end]
        leading = False  # decided below, only for sentences that turn out to be questions
        found: Question | None = None
        # try the sentence start, then each later clause ("That's awful, how are you coping?")
        offsets = [0]
        if s.question_mark:
            offsets += [m.end() for m in _CLAUSE_SPLIT.finditer(seg)]
            found = _tail_check(s.start, s.end, seg, offsets[-1])
        for off in offsets if found is None else ():
            skip = _strip_markers(seg[off:])
            clause = seg[off + skip :]
            elicit = _P["elicitation"].match(clause) is not None
            # "can you tell me your order number?" asks for one fact, however politely
            value = elicit and bool(_VALUE_REQUEST.match(clause)) and bool(_YOUR_SLOT.search(clause))
            elicit = elicit and not value
            wh_clear = (
                _P["wh_start"].match(clause) is not None
                and len(clause.split()) >= 3
                and "!" not in clause
                and (not clause.startswith(("when", "where")) or _CLEAR_WHEN.match(clause) is not None)
            )
            aux_clear = _P["aux_subject"].match(clause) is not None and not _IMPERATIVE_DO.match(clause)
            clear = off == 0 and (wh_clear or aux_clear)
            if not s.question_mark and not elicit and not clear:
                continue  # without '?' demand clear interrogative syntax at the very start
            if not s.question_mark and not elicit and _unmarked_statement(seg[off : off + skip], clause):
                continue
            kind, syntactic = _classify(clause)
            if kind is None or (off and not _later_clause_asks(clause)):
                continue
            if value:
                kind = _CLOSED
            start = s.start + off + skip
            found = Question(start, s.end, kind, leading, elicit, s.question_mark, syntactic, _role(clause))
            break
        if found is None and s.question_mark and not _statement_start(seg[_strip_markers(seg) :]):
            # "so you feel you have to do everything yourself?" is a reflection, whatever it contains
            inner = _P["inner_question"].search(seg, 1)
            if inner is not None and inner.start() > 0:
                clause = seg[inner.start() :]
                kind, syntactic = _classify(clause)
                if kind is not None:
                    start = s.start + inner.start()
                    found = Question(start, s.end, kind, leading, False, True, syntactic, _role(clause))
        if found is None and s.question_mark:
            skip = _strip_markers(seg)
            role = _role(seg[skip:])
            found = Question(s.start + skip, s.end, _CLOSED, leading, False, True, False, role)
            if role == "probe":
                found = Question(s.start + skip, s.end, _CLOSED, leading, False, True, False, "declarative")
        if found is None and not s.question_mark and _VALUE_REQUEST.match(seg) and value_slot(seg):
            # "Please provide your order number." asks for a value as surely as "What's your order number?"
            skip = _strip_markers(seg)
            found = Question(s.start + skip, s.end, _CLOSED, leading, False, False, True, "probe")
        if found is None and elicit_words:
            skip = _strip_markers(seg)
            m = _P["elicitation"].match(seg[skip:])
            at = s.start + skip
            if m is None:
                m, at = _ELICIT_SEARCH.search(seg, skip), s.start
            comma = seg.find(", ", skip)
            while m is None and comma >= 0:  # "I'm here to listen, tell me about it": a clause's imperative
                m, at = _P["elicitation"].match(seg[comma + 2 :]), s.start + comma + 2
                comma = seg.find(", ", comma + 2)
            if m is not None:
                start = at + m.start()
                found = Question(start, s.end, _OPEN, leading, True, False, True)
        if found is not None:
            tagged = _tagged(seg)  # "You didn't share your PIN, did you?"
            loaded = _P["leading"].search(seg) is not None or _P["blame"].search(seg) is not None
            if tagged or loaded:  # quote the whole loaded question
                found = replace(found, leading=True, start=s.start, tag_only=not loaded)
            out.append(found)
    return out


# "your email is … - is that right?" checks a value; "the phone was off, is that right?" checks a story
_YOUR_SLOT = re.compile(r"\byour (?:[\w-]+ )?(?:" + _P["closed_slot"].pattern + ")")


def value_slot(text: str) -> str | None:
    """The kind of value a question asks for ("email", "postcode", "date", "name", "address", "number")."""
    m = _P["closed_slot"].search(text)
    if not m:
        return None
    got = m.group()
    if "mail" in got:
        return "email"
    if "post" in got or "zip" in got:
        return "postcode"
    if "birth" in got or "dob" in got:
        return "date"
    if "name" in got:
        return "name"
    if "address" in got:
        return "address"
    return "number"


def probing_signals(t: TurnInput, questions: list[Question]) -> list[Signal]:
    """open_question, closed_question, elicitation, leading, stacked, follow_up and reask signals."""
    a = t.agent
    out: list[Signal] = []
    last = t.last_customer
    given: set[str] = set()
    for _, view in t.customers:
        given |= view.values
    real = 0
    for q in questions:
        seg = a.low[q.start : q.end]
        if q.leading:
            detail = "tag" if q.tag_only else ""
            out.append(sig(SignalKind.leading_question, a, q.start, q.end, detail=detail))
            continue
        slot = value_slot(seg)
        if slot is not None and q.role == "check" and _YOUR_SLOT.search(seg) is None:
            slot = None
        asks = slot is not None and (q.marked or _REQUEST.search(seg) is not None)
        if slot is not None and asks and (_P["reask_marker"].search(seg) or slot in given):
            out.append(sig(SignalKind.reask, a, q.start, q.end, detail=slot))
            continue
        if q.role in ("advice", "phatic") or (q.role in ("check", "request") and slot is None):
            continue  # only a request or check may still ask for a value ("can you confirm your email?")
        if q.role == "declarative" and slot is None:
            continue  # "So you were charged twice?" is a reflection or check said with a rising tone
        real += 1
        if q.elicitation:
            out.append(sig(SignalKind.elicitation, a, q.start, q.end, detail=q.kind))
        kind = SignalKind.open_question if q.kind == _OPEN else SignalKind.closed_question
        conf = 1.0 if (q.marked and q.syntactic) else 0.7
        out.append(sig(kind, a, q.start, q.end, strength=conf))
        if last is not None:
            qstems = {tok.stem for tok in a.tokens if q.start <= tok.start < q.end and tok.content}
            reflects = [
                customer_span(view, idx, tok.start, tok.end)
                for idx, view in t.recent_customers
                for tok in view.a.tokens
                if tok.content and tok.stem in qstems
            ]
            anaphoric = q.kind == _OPEN and (
                any(tok.low in _ANAPHORA for tok in a.tokens if q.start <= tok.start < q.end)
                or _MORE_OF_IT.search(seg) is not None
            )
            if reflects or (anaphoric and last[1].a.content):
                out.append(sig(SignalKind.follow_up, a, q.start, q.end, reflects=reflects[:6]))
    if real > 2:
        first, final = questions[0], questions[-1]
        out.append(sig(SignalKind.stacked_questions, a, first.start, final.end, detail=str(real)))
    return out
