"""Saying the customer's words back from the agent's side: the gist of a message, pronouns swapped."""

from __future__ import annotations

import re
from functools import lru_cache

from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.text import Analysed, Sentence, analyse, words_of

_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "am": "are",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "we're": "you're",
    "we've": "you've",
    "you": "we",
    "your": "our",
    "you're": "we're",
    "you've": "we've",
    "yours": "ours",
}
# "im", "youve": the swap of a contraction typed without its apostrophe ("were" and "ill" are words)
_SWAP |= {
    bare: v for k, v in _SWAP.items() if (bare := k.replace("'", "")) not in LEXICON.contraction_lookalikes
}
_WORD = re.compile(r"[A-Za-z0-9’']+|[^A-Za-z0-9’'\s]+|\s+")
_LEAD = re.compile(
    r"^(?:and|but|so|well|oh|look|listen|honestly|seriously|yes|yeah|ok|okay|hi|hello|hey|um|also|plus|now"
    # the customer's own "sorry," before the point is politeness: "So sorry, your parcel…" is no gist
    r"|sorry(?=\s*,)"
    # a cheer before a comma is a discourse marker, and in sarcasm the opposite of what happened
    r"|(?:great|brilliant|fantastic|lovely|perfect|wonderful|marvell?ous|super|terrific)(?=\s*[,!])"
    # so is a grudging acknowledgement: "Fine, the parcel never came" says back "the parcel never came"
    r"|(?:fine|right|alright|all right|sure|fair enough)(?=\s*[,!]))"
    r"\b[\s,!]*",
    re.I,
)
# an order to the agent ("Stop apologising and fix it.") is said back as what the customer wants done
# (matched on the sentence as written: "and tell them…" continues a story, it orders nothing)
_ORDER = re.compile(
    r"(?:(?:oh|look|listen|honestly|seriously|right|ok|okay)\b[\s,!]*)?(?:(?:just|please|now|then)\s+)*"
    r"(?=(?:stop|fix|sort(?! of)|give|tell|send|refund|cancel|call|ring|hurry|listen|read|answer|transfer"
    r"|escalate|pay|credit|replace|reconnect|help)\b)",
    re.I,
)
# a hesitant opening the customer wraps the point in ("I don't like to say this, but…"): noise said back
_PREFACE = re.compile(
    r"^(?:i (?:don't|do not) (?:like|want) to (?:say|ask|admit|complain|be a pain)(?: (?:this|it))?"
    r"|i hate to (?:say|ask|admit|complain)(?: (?:this|it))?|(?:i'm )?sorry to (?:bother you|be a pain|ask)"
    r"|not to be rude|to be (?:honest|fair)|i have to (?:say|admit)|i must (?:say|admit))"
    r"\b[\s,]*(?:but\b[\s,]*)?",
    re.I,
)


# "No, it never came" and "no because of COVID…" answer; "no heating", "no one calls back" say what is wrong
_NO = re.compile(r"no\b[\s,!.]*", re.I)
_NO_NAMES = frozenset({"one", "more", "way", "longer", "matter", "idea", "point", "body", "doubt", "sign"})
_ANSWER_WORDS = frozenset(
    {"thanks", "sorry", "please", "honestly", "sadly", "unfortunately", "really", "never", "definitely"}
    | {"another"}
)


def _without_answer(text: str) -> str:
    """The text without an opening "no" that answers (before a comma or a function word)."""
    m = _NO.match(text)
    if m is None:
        return text
    rest = text[m.end() :]
    nxt = rest.split(" ", 1)[0].lower().strip(",.!?;:")
    answered = any(c in m.group() for c in ",.!")
    if answered or nxt in _ANSWER_WORDS or (nxt in LEXICON.stopwords and nxt not in _NO_NAMES):
        return rest
    return text


def is_order(text: str, pos: int = 0) -> bool:
    """Whether ``text`` at ``pos`` opens on an order to the agent ("Stop apologising and fix it.", "Just
    cancel my broadband"): something the customer wants done, not a fault."""
    return _ORDER.match(text, pos) is not None


def _swap(text: str) -> str:
    """The text from the other side of the conversation: "you sent me" → "we sent you"."""
    pieces = _WORD.findall(text)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        low = piece.lower().replace("’", "'")
        rep = _SWAP.get(low)
        if rep is None:
            spelt = LEXICON.spelt_out.get(low)
            out.append(piece if spelt is None else piece[0] + spelt[1:])  # keeps "Didnt" capitalised
            continue
        if low == "you" and _object_position(pieces, i):
            rep = "us"  # "asking him to ring you" → "…to ring us", not "…to ring we"
        out.append(rep)
    joined = "".join(out)
    # "you was" → "you were" after the swap
    return re.sub(r"\byou was\b", "you were", joined)


# words after which "you" is an object ("I told you that", "I need you to…", "to ring you.")
_AFTER_OBJECT = frozenset(
    {"to", "that", "the", "a", "an", "my", "your", "his", "her", "their", "our", "this", "these", "those"}
    | {"for", "about", "with", "at", "on", "in", "again", "twice", "back", "and", "or", "but", "because"}
    | {"so", "if", "when", "yesterday", "today", "last", "all", "guys", "people", "lot", "everything"}
)


def _object_position(pieces: list[str], i: int) -> bool:
    for nxt in pieces[i + 1 :]:
        if nxt.isspace():
            continue
        return not nxt[0].isalnum() or nxt.lower() in _AFTER_OBJECT
    return True  # the last word


# words that open a new clause: a sentence cut short ends before them, not inside the clause they open
_CLAUSE_OPENERS = frozenset({"and", "but", "because", "so", "or", "while", "when", "as", "until", "since"})
_MIN_CLAUSE = 5  # words a cut must keep; fewer say too little to be worth saying back
_OVERRUN = 4  # words past the limit a sentence may run before it is cut


def _clause_cut(kept: list[str]) -> list[str]:
    """The longest run of whole clauses in ``kept`` ("She has started a new job" of "…job and I think she
    might have met"), or ``kept`` itself when no clause ends after ``_MIN_CLAUSE`` words."""
    for i in range(len(kept) - 1, _MIN_CLAUSE - 1, -1):
        if kept[i - 1].endswith((",", ";")):
            return kept[:i]
        if kept[i].lower() in _CLAUSE_OPENERS:
            return kept[:i]
    return kept


def _with_the_fault(kept: list[str], cut: list[str], max_words: int) -> str:
    """The kept words, or their first clause joined to the clause the cut dropped that says what is wrong.

    "My parcel says delivered on Tuesday at 14:12, left in a safe place, but it isn't here, and…" is said
    back as "…delivered on Tuesday at 14:12, but it isn't here": the stake, not the preamble.
    """
    head = " ".join(kept).rstrip(",;:")
    if not cut or _COMPLAINT.search(head.lower()):
        return head
    clauses = re.split(r"(?<=[,;])\s+", " ".join(cut))
    fault = next((c.rstrip(",;:") for c in clauses if _COMPLAINT.search(c.lower())), "")
    if not fault:
        return head
    first = head.split(",")[0]
    if len(first.split()) < _MIN_CLAUSE or len(fault.split()) < _MIN_FAULT:
        return head  # "you have, manager who…": a stub of a clause says nothing joined to another
    joined = f"{first}, {fault}"
    return joined if len(joined.split()) <= max_words + _OVERRUN else head


_MIN_FAULT = 3  # words: "it isn't here"


_COMPLAINT = LEXICON.patterns["complaint_cue"]
# a subject left without its verb when a sentence is cut short ("…and now you're")
_SUBJECT = re.compile(r"(?:i|you|we|they|he|she|it|that|there|who)['’](?:m|re|s|ve|ll|d)")


def _dangles(word: str) -> bool:
    """Whether a shortened sentence may not end on this word ("at the", "and now you're")."""
    return word in LEXICON.stopwords or _SUBJECT.fullmatch(word) is not None


@lru_cache(maxsize=4096)
def gist(text: str, max_words: int) -> str:
    """The customer's most informative sentence, in the agent's perspective, short enough to say back.

    A statement is preferred to a question; a message that only asks is said back as what the customer
    wants ("you'd like to know how to reset your password"), never pasted into a statement as a question.
    """
    a = analyse(text)
    best = None
    best_w = -1.0
    for statements_only in (True, False):
        for s in a.sentences:
            if statements_only and s.question_mark:
                continue
            if (s.question_mark or _WH.match(a.low, s.start)) and _RHETORICAL.search(a.low, s.start, s.end):
                continue  # "What's the point of calling you?" vents; it asks for nothing to be said back
            w = sentence_weight(a, s)
            if w > best_w or (w == best_w and best is not None):
                best, best_w = s, w
        if best_w >= 1.0:
            break
    if best is None or best_w < 1.0:
        return ""  # greetings and thanks carry nothing to say back
    start = best.start
    comma = a.low.find(",", start, best.end)
    if comma > 0 and _I_FEEL.match(a.low, start) and any(start <= m.start() < comma for m in a.feelings()):
        rest = a.text[comma + 1 : best.end]
        if len(rest.split()) >= 3:
            start = comma + 1  # "I'm so angry, my card was declined": the feeling is named on its own
    text = a.text[start : best.end].strip().rstrip(".!?…").strip()
    for _ in range(3):
        text = _PREFACE.sub("", _without_answer(_LEAD.sub("", text)))
    text = _PLEASE_END.sub("", text)  # the customer's courtesy is theirs: "…on your account please" is not
    words = text.split()
    # a sentence that ends a few words past the limit is kept whole: its last clause is often the stake
    # ("…and I'm stuck at the airport with two kids"); a longer one ends after its last whole clause
    if len(words) > max_words + _OVERRUN:
        kept = _clause_cut(words[:max_words])
        while len(kept) > 3 and _dangles(kept[-1].lower().strip(",;:")):
            kept.pop()  # "…changed the wifi password at the": end on the last word that carries content
        text = _with_the_fault(kept, words[len(kept) :], max_words)
    if best.question_mark:
        return _wanted(text)
    if is_order(a.text, start):
        order = _ORDER.match(text)
        rest = text[order.end() :] if order is not None else text
        return _wanted("could you " + rest[:1].lower() + rest[1:])
    text = _swap(text)
    first = text.split(" ", 1)[0]
    if text[:2] == "I " or (len(first) > 1 and first.isupper()) or _proper(first, a.text):
        return text  # "I …", a shouted word ("DON'T", not "dON'T"), a name ("Sarah", "Monday") keep capitals
    return text[:1].lower() + text[1:]


# ("may" is left out: "May I…" and the typo "May be…" open sentences far more often than the month)
_ALWAYS_CAPITAL = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter"}
    | {"january", "february", "march", "april", "june", "july", "august", "september", "october"}
    | {"november", "december"}
)


def _proper(word: str, message: str) -> bool:
    """Whether a sentence's first word is a name: a day or month, or capitalised again inside a sentence of
    the same message ("Paul says… I asked Paul"), so not just capitalised for starting the sentence."""
    bare = word.split("'")[0].rstrip(",.;:!?")
    if not bare[:1].isupper():
        return False
    if bare.lower() in _ALWAYS_CAPITAL:
        return True
    if bare.lower() in LEXICON.stopwords:
        return False  # "He", "The", "Not" capitalised mid-sentence are chat habits, not names
    # a plain scan, not a pattern built per word: compiling one per message would cost more than the gist
    at = message.find(bare, 1)
    while at > 0:
        end = at + len(bare)
        before = message[:at].rstrip()
        if len(before) < at and before[-1:].islower() and not message[end : end + 1].isalnum():
            return True
        at = message.find(bare, end)
    return False


_RHETORICAL = LEXICON.patterns["rhetorical_customer_question"]
_WH = re.compile(r"\W*(?:what|why|how|who|is|are|do|does|can)\b")  # a question without its "?"
_I_FEEL = re.compile(r"(?:i'm|i am|im|i feel|i've been|i was)\b")
_MODAL_YOU = r"^(?:please )?(?:can|could|would|will) you (?:please |kindly )?"
_TELL_ME = re.compile(
    _MODAL_YOU + r"(?:tell|show|explain to|let) me (?:know )?|^(?:do|does) (?:you|anyone) know ", re.I
)
_ASK_TO = re.compile(_MODAL_YOU, re.I)
_HOW_DO_I = re.compile(r"^(how|where|when) (?:do|can|should|would) (?:i|we) ", re.I)
_PLEASE_END = re.compile(r",? please$", re.I)
# an inverted question: "what time is the engineer coming" → "what time the engineer is coming",
# "can I change my flight" → "whether you can change your flight"
_INVERTED = re.compile(
    r"^(?P<wh>(?:what|which|whose|how)(?: \w+){0,2}?|why|when|where|who|)\s*"
    r"(?P<aux>am|is|are|was|were|has|have|had|isn't|aren't|wasn't|hasn't|haven't|do|does|did|don't|doesn't|didn't"
    r"|can|could|will|would|should|may|might|shall|can't|won't)\s+"
    r"(?P<subject>(?:my|the|this|that|our|your|his|her|their|these|those|a|an) \w+(?:-\w+)*"
    r"|i|it|you|we|they|he|she|there)\b\s*(?P<rest>.*)$",
    re.I,
)
# the subject from the agent's side: "I" → "you", "you" → "we" ("my X" → "your X" through _swap)
_SUBJECT_SWAP = {"i": "you", "you": "we", "we": "you"}
_PAST_OR_THIRD = frozenset({"does", "did", "doesn't", "didn't"})
_DETERMINERS = frozenset({"my", "your", "his", "her", "our", "their", "the", "a", "an"})
# what customers ask a thing is ("is that normal for…?", "is that legal?"): a complement, never a noun
_COMPLEMENTS = frozenset(
    {"normal", "right", "fair", "true", "legal", "possible", "ok", "okay", "acceptable", "allowed"}
    | {"necessary", "correct", "safe", "usual", "reasonable", "standard", "common", "fine", "enough"}
)


_CLAUSE_ENDS = _CLAUSE_OPENERS | {"if", "after", "given"}  # words that end the question's own clause


def _demonstrative(wh: str, subject: str, rest: str) -> tuple[str, str]:
    """ "Is that normal?", "how is that fair?", "is this your van?": "this" or "that" alone is the subject
    when the word after it ends the question or its clause (a complement, in a yes/no, "how" or "why"
    question: "how is that fair when I paid?") or opens a noun phrase of its own; "where is that parcel?"
    keeps "that parcel"."""
    first, _, after = subject.partition(" ")
    if first.lower() not in ("this", "that") or not after:
        return subject, rest
    ends = not rest or rest.split(" ", 1)[0].lower() in _CLAUSE_ENDS
    word = after.lower()
    if word in _DETERMINERS or word in _COMPLEMENTS or (ends and wh.split(" ", 1)[0] in ("", "how", "why")):
        return first, f"{after} {rest}".strip()
    return subject, rest


# the verb after a swapped subject: "I am / I was" → "you are / you were"
_AGREE = {("i", "am"): "are", ("i", "was"): "were", ("you", "were"): "were"}


def _wanted(question: str) -> str:
    """A customer's question as what they want, in the agent's perspective ("you'd like us to…")."""
    q = _PLEASE_END.sub("", question)
    if m := _TELL_ME.match(q):
        return f"you'd like to know {_swap(q[m.end() :])}"
    if m := _HOW_DO_I.match(q):
        return f"you'd like to know {m.group(1).lower()} to {_swap(q[m.end() :])}"
    if m := _ASK_TO.match(q):
        return f"you'd like us to {_swap(q[m.end() :])}"
    if m := _INVERTED.match(q):
        wh = m["wh"].lower() or "whether"
        aux = m["aux"].lower()
        subject, rest = _demonstrative(m["wh"].lower(), m["subject"], m["rest"])
        said = _SUBJECT_SWAP.get(subject.lower()) or _swap(subject)
        rest = _swap(rest) if rest else ""
        if aux in _PAST_OR_THIRD:  # "how did we cope" would need "coped": keep the question's order
            return " ".join(part for part in ("you're asking", m["wh"].lower(), aux, said, rest) if part)
        verb = "" if aux == "do" else _AGREE.get((subject.lower(), aux), aux)
        return " ".join(part for part in ("you'd like to know", wh, said, verb, rest) if part)
    said = _swap(q[:1].lower() + q[1:])
    # "You deliver on Sundays?" asks whether it is so; "Another three weeks?" asks about it; anything else
    # ("how's the weather there?", "maybe if I call her?") is said back as it was asked
    first = said.split(" ", 1)[0].split("'")[0].lower()
    if first in _SUBJECTS and first not in _WH_SUBJECTS:
        return f"you'd like to know whether {said}"
    return f"you're asking {said}" if is_clause(said) else f"you're asking about {said}"


# words that begin a clause's subject ("your card was declined", "today you called", "nobody has called");
# a text with none in its first words is a fragment ("double charged, fobbed off…", "three weeks without
# broadband"), which takes no "that", "since" or "whether"
_SUBJECTS = frozenset(
    {"i", "you", "we", "they", "he", "she", "it", "that", "this", "these", "those", "there", "what", "who"}
    | {"my", "your", "our", "their", "his", "her", "its", "the", "a", "an", "some", "all", "both", "each"}
    | {"nobody", "nothing", "someone", "somebody", "everyone", "everybody", "everything", "one"}
)
_WH_SUBJECTS = frozenset({"what", "who"})
_SUBJECT_REACH = 4  # words: "every time your phone rings", "after this experience, you…"


def is_clause(text: str) -> bool:
    """Whether a text reads as a clause (a subject in its first words), so it may follow "that"."""
    return any(w.split("'")[0] in _SUBJECTS for w in words_of(text)[:_SUBJECT_REACH])


@lru_cache(maxsize=4096)
def message_weight(text: str) -> float:
    """The content weight of a message's most informative sentence."""
    a = analyse(text)
    return max((sentence_weight(a, s) for s in a.sentences), default=0.0)


def sentence_weight(a: Analysed, s: Sentence) -> float:
    """How much specific content one sentence carries (the sum of its words' weights)."""
    return sum(tok.weight for tok in a.tokens[s.first : s.last])
