"""De-escalation signals: validation, apologies, ownership, next steps, reassurance, and the triggers."""

from __future__ import annotations

import re

from simcoach.content.vocabulary import SignalKind
from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.models import Signal
from simcoach.scoring.signals import TurnInput, customer_span, negated_before, repeats_customer, sig
from simcoach.scoring.text import Analysed, words_of

_P = LEXICON.patterns

_TRIGGERS: tuple[tuple[str, SignalKind], ...] = (
    ("calm_down", SignalKind.calm_down),
    ("blame", SignalKind.blame),
    ("policy_hiding", SignalKind.policy_hiding),
    ("cant_help", SignalKind.cant_help),
    ("already_said", SignalKind.already_said),
    ("understand_but", SignalKind.understand_but),
    ("dismissive", SignalKind.dismissive),
    ("hostile", SignalKind.hostile_language),
)
_BUT = frozenset({"but", "however"})
# the customer fears something will happen ("I've got it in my head that bailiffs are going to turn up",
# "what if it goes missing too?"): "that's not going to happen" then reassures; after a request it refuses
_FEARED = LEXICON.compile(
    r"\bwhat if\b|\b(?!you\b)[a-z]+(?:'s|'re| is| are) going to\b"
    r"|\b(?:worried|scared|afraid|terrified|frightened|panicking) (?:that )?(?!you\b)[a-z]+(?: \w+)?"
    r"(?:'ll| will| might| could| would)\b"
)
_WONT_HAPPEN = LEXICON.compile(r"not going to happen\W*$")
_DIGIT = re.compile(r"\d")
_VAGUE_WORDS = frozenset(
    {"soon", "possible", "asap", "shortly", "due", "point", "while", "eventually", "when", "whenever"}
    | {"earliest", "near", "sometime", "quickly", "can", "able"}
)
_EXPLAIN_WORDS = frozenset({"because", "due", "reason", "why", "happened", "caused", "result", "cause"})
# "we'll have it reversed by Friday" commits; "we will not refund it" and "you'll have to wait" do not
_COMMIT = LEXICON.compile(
    r"\b(?:we(?:'ll| will| are going to|'re going to)"
    r"|you(?:'ll| will) (?:get|receive|see|hear|have(?! to\b))"
    # a committed outcome: "it will be back in your account by 5pm", "the refund will arrive by Friday"
    r"|(?:it|this|that|(?:your|the) [\w-]+)(?:'ll| will) (?:definitely |now |then )?"
    r"(?=arrive|be (?:back|with you|delivered|there|fixed|sorted|resolved|credited|refunded|reconnected"
    r"|restored|on its way)|reach you))"
    r"\b(?! (?:not|never)\b)"
)
_EMPATHY_WORD = LEXICON.compile(
    _P["keyword_empathy"].pattern + "|" + LEXICON.feeling.pattern + r"|inconvenien|trouble|hassle|delay"
)
# a clause after "but" that brings good news or a way forward ("…but the refund is already on its way")
_GOOD_NEWS = LEXICON.compile(
    r"\W*(?:the good news|good news|luckily|thankfully|happily|here's what"
    r"|there(?:'s| is) (?:something|a way|an option|another option|one thing|hope|light)"
    # "…but I think you'll work things out": hope after the "but", not a refusal
    r"|(?:i (?:think|believe|know|bet|reckon) |i'm sure |i am sure )?"
    r"(?:you|you guys|things|it|this|everything)(?:'ll| will| are going to| is going to| can)"
    r" (?:work|get|be|find|make|turn|improve|pull|sort)\b"
    # done for this customer ("your refund has already been issued"), not a rule ("the summons is issued
    # automatically")
    r"|(?:the|your) \w+ (?:is|are) (?:already |now )?on (?:its|their) way"
    r"|(?:the|your) \w+ (?:has|have|'s) (?:already |now |just )?been (?:sent|issued|processed|booked|fixed"
    r"|sorted|approved)"
    r"|(?:the|your) \w+ (?:is|are) (?:(?:already|now) (?:sent|issued|processed|booked)|(?:already |now )?"
    r"(?:fixed|sorted|approved)))"
)
_MY_LAPSE = re.compile(r"\W*(?:(?:that|about that|for that)\W*)?i(?:'m| am| was| had|'ve been| have been)\b")
_NO_NEED = re.compile(r"\b(?:no need to|nothing to|no reason to|(?:don't|do not) (?:need|have) to) $")
_POINTS_BACK = ("that", "this", "it's", "it is", "it was")
_HOLLOW_TAIL = re.compile(r"^\W*(?:for|about|that|to hear|if)?\W*$")
# "Sorry, yeah, and can I just confirm the room number again?": a "sorry" that leads straight into the
# agent's own question apologises for nothing the customer said, whatever words the question reuses
_SORRY_THEN_ASK = re.compile(
    r"^\W*(?:(?:yeah|yes|ok|okay|right|so|and|um|uh|er)\W+)*"
    r"(?:(?:can|could|may|would|will|shall) (?:i|you|we)|what(?! an?\b)|which|where|when|who|please"
    # "how awful" and "what a nightmare" exclaim: they are sympathy, not the agent's next question
    r"|how (?:can|could|do|did|does|is|are|was|were|long|many|much|often|soon|should|would|will))\b"
)


# what may follow "I understand, but" without cancelling it: help, hope, a plan, a promise
_HOPEFUL = (*(_P[n] for n in ("ownership", "reassurance", "affirmation", "alternative")), _COMMIT)


def _constructive(low: str, pos: int) -> bool:
    """Whether the clause after a "but" offers help, hope or action rather than a refusal."""
    tail = low[pos : pos + 80]
    for pattern in _HOPEFUL:
        m = pattern.search(tail)
        if m is not None and m.start() <= 25:
            return True  # "…but we'll have it reversed by Friday"
    return _GOOD_NEWS.match(tail) is not None


def _cancels(low: str, but: re.Match[str], said_by_customer: list[tuple[str, ...]]) -> bool:
    """Whether an "I understand / I'm sorry …, but" takes the acknowledgement back: not when the clause after
    "but" helps ("…but I'll fix it today") or is the customer's own facts said back ("sorry the fridge came
    but the driver refused to take the old one away")."""
    return not (_constructive(low, but.end()) or repeats_customer(low, but.end(), said_by_customer))


def trigger_signals(t: TurnInput) -> list[Signal]:
    """Escalating phrases: calm down, blame, policy walls, can't help, already said, "I understand, but"."""
    a = t.agent
    low = a.low
    out: list[Signal] = []
    said_by_customer = [view.said for _, view in t.recent_customers]
    for name, kind in _TRIGGERS:
        if kind is SignalKind.understand_but and _BUT.isdisjoint(a.lows):
            continue  # the pattern ends in "but" or "however": without either word it cannot match (speed)
        for m in a.finditer(name):
            if kind is SignalKind.policy_hiding and a.search("alternative") is not None:
                continue  # a "no" with a reason and an alternative is delivered well, not hidden behind
            if kind in (SignalKind.calm_down, SignalKind.blame) and negated_before(low, m.start(), 30):
                continue
            if kind is SignalKind.understand_but and not _cancels(low, m, said_by_customer):
                continue
            if kind is SignalKind.cant_help and _WONT_HAPPEN.search(m.group()) and _fears(t):
                continue
            out.append(sig(kind, a, m.start(), m.end()))
            break
    last = t.last_customer
    if last is not None and last[1].sarcastic:
        first = a.sentences[0] if a.sentences else None
        if first is not None:
            seg = low[first.start : first.end]
            lit = _P["positive_literal"].search(seg)
            if lit:
                start = first.start + lit.start()
                out.append(sig(SignalKind.literal_sarcasm_reply, a, start, first.start + lit.end()))
    return out


def _fears(t: TurnInput) -> bool:
    """Whether the customer's last message fears something will happen ("what if…", "…are going to turn
    up", "I'm scared they'll cut me off"): a worry about now ("I'm so worried") fears no event."""
    last = t.last_customer
    return last is not None and _FEARED.search(last[1].a.low) is not None


def _specific_weight(t: TurnInput, lo: int, hi: int, cust: set[str]) -> tuple[float, bool]:
    """How much of ``[lo, hi)`` names the customer's problem (their words count fully, others half), and
    whether any of their words is in it."""
    name = (t.customer_name or "").lower()
    total = 0.0
    theirs = False
    for tok in t.agent.tokens:
        if lo <= tok.start < hi and tok.content:
            mine = tok.stem in cust
            theirs = theirs or mine
            if tok.low == name:
                continue
            if mine:
                total += 1.0
            elif not _EMPATHY_WORD.match(tok.low):
                total += tok.weight * 0.5
    return total, theirs


def _names_the_fault(a: Analysed, lo: int, hi: int) -> bool:
    """Whether ``a.low[lo:hi]`` names something gone wrong ("didn't", "late", "twice") or how hard it is
    ("losing a pet is so hard"), when none of the customer's own words does."""
    return _P["complaint_cue"].search(a.low, lo, hi) is not None or a.feels_within(lo, hi)


def apology_signals(t: TurnInput) -> list[Signal]:
    """Each apology, judged specific (names what went wrong) or hollow."""
    a = t.agent
    low = a.low
    if "sorr" not in low and "apolog" not in low and "my bad" not in low:
        return []
    out: list[Signal] = []
    cust = t.recent_stems
    said_by_customer = [view.said for _, view in t.recent_customers]
    for m in a.finditer("apology"):
        s = a.sentence_at(m.start())
        end = s.end if s is not None else len(low)
        but = _P["understand_but"].search(low, m.start(), end)
        if (but is not None and _cancels(low, but, said_by_customer)) or negated_before(low, m.start(), 10):
            continue
        if _NO_NEED.search(low, max(0, m.start() - 25), m.start()) is not None:
            continue  # "No need to apologise, you're doing fine" reassures; it apologises for nothing
        tail = low[m.end() : end]
        if _P["dismissive"].match(tail.strip()) or tail.strip().startswith(("if you", "that you feel")):
            continue
        start = s.start if s is not None else 0
        if _MY_LAPSE.match(tail) is not None and LEXICON.second_person.isdisjoint(words_of(tail)):
            # "Sorry, I had a connection problem there": the agent's own lapse, nothing of the customer's
            out.append(sig(SignalKind.hollow_apology, a, m.start(), end))
            continue
        if _SORRY_THEN_ASK.match(tail) is not None:
            out.append(sig(SignalKind.hollow_apology, a, m.start(), end))
            continue
        hollow = _P["hollow_apology_object"].match(tail) is not None or _HOLLOW_TAIL.match(tail) is not None
        if _P["condolence_object"].match(tail) and t.bereaved:
            out.append(sig(SignalKind.specific_apology, a, m.start(), end))  # "sorry for your loss"
            continue
        tail_w, theirs = _specific_weight(t, m.end(), end, cust)
        # "Sorry, the lines are busy today" gives an excuse: nothing of the customer's, nothing gone wrong
        if tail_w and not theirs and not _names_the_fault(a, m.end(), end):
            tail_w = 0.0
        # "… is far too long, I'm sorry." names what went wrong before the apology, in the same sentence
        head_w = _specific_weight(t, start, m.start(), cust)[0] if _HOLLOW_TAIL.match(tail) else 0.0
        if tail_w >= 1.4 or (not hollow and tail_w >= 1.0) or head_w >= 1.4:
            out.append(sig(SignalKind.specific_apology, a, m.start(), end))
        else:
            out.append(sig(SignalKind.hollow_apology, a, m.start(), end))
    return out


_MY_OWN = LEXICON.compile(
    # "I'll chase it myself", "on my end", "my manager": the agent owning the customer's problem
    r"\b(?:my(?! (?:manager|supervisor|team|colleague|colleagues|team leader|line manager|boss|department"
    r"|end|side|system|notes|screen|records|best)\b)|mine)\b"
)


def _own_life(clause: str) -> bool:
    """Whether an "I'll…" clause is about the agent's own life: "my…" and nothing of the customer's."""
    return _MY_OWN.search(clause) is not None and LEXICON.second_person.isdisjoint(words_of(clause))


def support_signals(t: TurnInput) -> list[Signal]:
    """Validation, ownership, next step, time frame, vague timeline, reassurance, explanation, alternative."""
    a = t.agent
    low = a.low
    out: list[Signal] = []
    cust = t.recent_stems
    for m in a.finditer("validation"):
        if negated_before(low, m.start(), 10) and "not" not in m.group():
            continue
        s = a.sentence_at(m.start())
        end = s.end if s is not None else m.end()
        start = s.start if s is not None else m.start()
        # "I can see why that matters: the sofa arrived torn" names its cause after the colon
        if low[:end].rstrip().endswith(":") and (cause := a.sentence_at(end + 1)) is not None:
            end = cause.end
        # "You were charged twice. (I'm sorry,) that's not acceptable.": "that" points back at the fault
        lo = start
        if s is not None and low.startswith(_POINTS_BACK, m.start()):
            i = a.sentences.index(s)
            if i > 0 and not a.sentences[i - 1].question_mark:
                lo = a.sentences[i - 1].start
        seg_tokens = [tok for tok in a.tokens if lo <= tok.start < end and tok.content]
        specific = any(tok.stem in cust for tok in seg_tokens) or a.feels_within(lo, end)
        out.append(
            sig(
                SignalKind.validation,
                a,
                start,
                end,
                strength=1.0 if specific else 0.5,
                detail="specific" if specific else "generic",
            )
        )
        break
    own = a.search("ownership")
    if own and negated_before(low, own.start(), 40):
        own = None  # "that isn't something I can do" owns nothing
    s = a.sentence_at(own.start()) if own else None
    if own and _own_life(low[own.start() : s.end if s is not None else own.end()]):
        own = None  # "I'm going to hug my sons tonight": the agent's own plans, not the customer's problem
    if own:
        end = s.end if s is not None else own.end()
        out.append(sig(SignalKind.ownership, a, own.start(), end))
    commit = own if own is not None else _COMMIT.search(low)
    step: re.Match[str] | None = None
    if commit is not None:
        # "…a cancelled flight. I'm booking you on the 7am": the step is what is committed to, not an
        # action word in the problem restated before the commitment
        at = a.sentence_at(commit.start())
        floor = at.start if at is not None else commit.start()
        step = next((m for m in a.finditer("action_verb") if m.start() >= floor), None)
    ref = a.search("reference") if _DIGIT.search(low) else None
    if step is not None:
        s = a.sentence_at(step.start())
        out.append(sig(SignalKind.next_step, a, s.start if s else step.start(), s.end if s else step.end()))
    elif ref is not None:
        out.append(sig(SignalKind.next_step, a, ref.start(), ref.end(), detail="reference"))
    tf = a.search("time_frame")
    if tf and (step is not None or ref is not None or own is not None):
        out.append(sig(SignalKind.time_frame, a, tf.start(), tf.end()))
    elif tf is None:
        vague = a.search("vague_timeline") if not _VAGUE_WORDS.isdisjoint(a.lows) else None
        if vague:
            out.append(sig(SignalKind.vague_timeline, a, vague.start(), vague.end()))
    for name in ("reassurance", "affirmation"):
        hope = a.search(name)
        if hope is not None and not negated_before(low, hope.start(), 8):
            out.append(sig(SignalKind.reassurance, a, hope.start(), hope.end(), detail=name))
            break
    exp = a.search("explanation") if not _EXPLAIN_WORDS.isdisjoint(a.lows) else None
    if exp:
        out.append(sig(SignalKind.explanation, a, exp.start(), exp.end()))
    alt = a.search("alternative")
    if alt:
        out.append(sig(SignalKind.alternative, a, alt.start(), alt.end()))
    return out


def ignored_question(t: TurnInput, answered_by: list[Signal]) -> list[Signal]:
    """The customer asked a question and the agent's turn neither answers nor engages with it."""
    last = t.last_customer
    if last is None or not last[1].questions:
        return []
    idx, view = last
    a = t.agent
    if _P["answer_opener"].search(a.low) or answered_by:
        return []
    mine = set(a.content)
    for start, end in view.questions:
        qstems = {tok.stem for tok in view.a.tokens if start <= tok.start < end and tok.content}
        if qstems and not (qstems & mine):
            whole = a.sentences[0] if a.sentences else None
            s0, e0 = (whole.start, whole.end) if whole else (0, len(a.text))
            return [
                sig(SignalKind.ignored_question, a, s0, e0, reflects=[customer_span(view, idx, start, end)])
            ]
    return []
