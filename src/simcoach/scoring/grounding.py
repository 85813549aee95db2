"""Which customer message a better line says back: the last, unless it only jabs or reacts to the agent."""

from __future__ import annotations

from functools import lru_cache

from simcoach.scoring.lexicon import LEXICON
from simcoach.scoring.restate import is_order, message_weight, sentence_weight
from simcoach.scoring.signals import CustomerView, TurnInput, customer_view
from simcoach.scoring.text import analyse, words_of


def grounding(t: TurnInput) -> tuple[CustomerView, str]:
    """The customer message a better line is grounded in, and its text as said (echoes dropped).

    Call only with a customer message in the context.
    """
    view = t.customers[-1][1]
    said = view.a.text
    if t.agents and "?" in said:
        said = _without_echoes(said, t.agents[-1].low)
    # "That's it? I need it fixed." says little, "Oh brilliant. Gold star." says the opposite of what it
    # means, and "Fair enough, you're being straight with me" is about the agent: ground the line in the
    # problem said before it
    if message_weight(said) < 2.0 or not _groundable(view) or _answers_only(t, view):
        earlier = [v for _, v in t.customers[-3:-1] if message_weight(v.a.text) >= 2.0 and _groundable(v)]
        if earlier:
            view = earlier[-1]
            said = view.a.text
    return view, said


_ANSWER_WORDS = 10  # "Fine, the 19th of October, delivered on the 21st" answers; a longer reply tells more
_REPLY_WORDS = 20  # to a yes/no question: "It's the blue one, and it says Lenovo on the back."
_ASIDE_WORDS = 3  # a question the customer adds to an answer ("Right, what else?") asks nothing new
# the agent's last turn asks yes or no somewhere ("Can you see a button on the side?", "Is it the blue one?")
_YES_NO = LEXICON.compile(
    r"(?:^|[.!?] )\W*(?:(?:ok|okay|right|great|thanks|and|so),? )?(?:can|could|do|does|did|is|are|was|were"
    r"|have|has|will|would)(?:n't)? (?:you|it|they|there|that|this|the|your)\b[^.!?]*\?"
)

_DESCRIBES = LEXICON.compile(
    r"\W*(?:(?:yes|yeah|no|ok|okay|right|well),? )?(?:it|they|there)(?:'s| is| was| says| said| has| does"
    r"|'re| are| were)\b"
)


# the customer's protest at being asked again ("I just told you.", "I've already given you that.")
_PROTEST = (
    r"\W*(?:(?:honestly|seriously|look|again|yes|yeah),? )?i(?:'ve| have)? (?:just |already )?"
    r"(?:told|gave|given|said|sent|provided)(?: (?:you|it|that|this|them|all that))?"
    r"(?: (?:already|before|twice))?\W*$"
)
_PROTESTS = LEXICON.compile(_PROTEST)
# ...and the sentences beside the value given again that tell nothing new of the problem ("I just told
# you. It's my mum, Margaret Ellis, room 14. Honestly, every time.")
_ASKED_AGAIN = LEXICON.compile(
    _PROTEST + r"|\W*(?:(?:honestly|seriously),? )?(?:every (?:single )?time|again)\W*$"
)


def asked_again(t: TurnInput) -> bool:
    """Whether the last customer message protests at being asked again ("I just told you.") after a
    question of the agent's: a better line owns the repeat before anything else."""
    last = t.last_customer
    if last is None or not t.agents or "?" not in t.agents[-1].low:
        return False
    a = last[1].a
    return any(_PROTESTS.match(a.low, s.start, s.end) for s in a.sentences)


def _answers_only(t: TurnInput, view: CustomerView) -> bool:
    """Whether the message only gives a value the agent asked for ("It's order 4471902.", "Fine, the 19th of
    October, delivered on the 21st.") or answers a yes/no question ("It's the blue one, it says Lenovo on
    the back."), with nothing wrong in it: "I can see why that matters: the 19th of October" validates a
    date, so the line goes back to the problem. A short answer to an open question ("drinking is the only
    thing that takes the pain away") may be the heart of it, and is said back."""
    if not t.agents or "?" not in t.agents[-1].low:
        return False
    a = view.a
    if view.sarcastic or view.negative_families or a.search("complaint_cue") is not None:
        return False
    told = asked = 0
    for s in a.sentences:
        words = len(a.words(s))
        if _ASKED_AGAIN.match(a.low, s.start, s.end):
            continue
        if s.question_mark:
            asked = max(asked, words)
        else:
            told += words
    if told == 0 or asked > _ASIDE_WORDS:
        return False
    if told <= _ANSWER_WORDS and any(c.isdigit() for c in a.low):
        return True
    # only a description of a thing ("It's the blue one, it says Lenovo on the back"): an answer about the
    # customer ("Yes, and I miss my friends") may be the heart of it
    described = all(s.question_mark or _DESCRIBES.match(a.low, s.start) for s in a.sentences)
    return (
        told <= _REPLY_WORDS
        and described
        and LEXICON.first_person.isdisjoint(a.lows)
        and _YES_NO.search(t.agents[-1].low) is not None
    )


def _groundable(view: CustomerView) -> bool:
    """Whether a message says something of the problem to say back: not sarcasm alone, nor only a reaction
    to the agent ("Fair enough. You're being straight with me.", "That helps, thanks.")."""
    if view.sarcastic:
        return bool(complaint(view.a.text))
    return not _reacts_only(view.a.text)


# a sentence that only acknowledges ("Right.", "Fair enough.", "Go on.")
_ACKNOWLEDGES = LEXICON.compile(
    r"^\W*(?:right|ok(?:ay)?|alright|all right|fine|fair enough|go on|sure|yes|yeah|i see|got it|"
    r"understood)\W*$"
)
# a sentence about the agent or their answer: "You're being straight with me", "That's a real answer"
_ABOUT_AGENT = LEXICON.compile(
    r"^\W*(?:(?:you're|you are|you've|you have|you were)\b|(?:that|this|it)(?:'s| is| was| sounds)(?: \w+)?"
    r" (?:a )?(?:real|proper|good|great|fair|straight|honest|clear|helpful|reassuring|better|more like it|"
    r"useful|kind|nice)\b)"
)
# agreeing to the agent's plan: "I think I can manage that", "OK, I'll try that", "Let's do it"
_AGREES = LEXICON.compile(
    r"^\W*(?:(?:ok|okay|alright|all right|right|yes|yeah|fine),? )?"
    r"(?:i (?:think |guess )?(?:i )?(?:can|could|'ll|will) (?:manage|do|try) (?:that|it|this)"
    r"|(?:let's|lets) (?:do|try) (?:that|it|this)\b)"
)
_CLOSING = LEXICON.patterns["customer_closing"]
# thanks for what the agent did ("Thank you for listening", "Thanks for being so patient")
_THANKS_FOR = LEXICON.compile(r"^\W*(?:thank you|thanks)(?: so much| very much| a lot)? for \w+ing\b")
_REACTION_WORDS = 8
_AGREEMENT_WORDS = 12  # "I think I can manage that, if you go slowly." agrees, with a condition


@lru_cache(maxsize=4096)
def _reacts_only(text: str) -> bool:
    """Whether a message only reacts to the agent ("Fair enough. You're being straight with me.", "OK.
    That's a real answer. Thank you."): nothing wrong in it, nothing asked and no sentence of its own."""
    view = customer_view(text)
    a = view.a
    if view.negative_families or view.questions or a.search("complaint_cue") is not None:
        return False
    reacted = thanked = False
    for s in a.sentences:
        seg = a.low[s.start : s.end]
        if _ACKNOWLEDGES.match(seg):
            continue
        words = s.last - s.first
        if (words <= _REACTION_WORDS and (_ABOUT_AGENT.match(seg) or _CLOSING.search(seg))) or (
            words <= _AGREEMENT_WORDS and _AGREES.match(seg)
        ):
            reacted = True  # short: "Oh that is great, I drink coffee before bed" goes on to say something
            thanked = thanked or _THANKS_FOR.match(seg) is not None
        elif thanked and words <= _REACTION_WORDS:
            continue  # "Thank you for listening. Most people just read from the screen.": about the agent
        elif sentence_weight(a, s) >= 1.0:
            return False  # "I want to keep the email address…" after the thanks: something to say back
    return reacted  # "OK." alone, or "No, I'm female.", is no reaction to the agent


_ECHO_MAX = 6  # words: "As soon as possible?" throws a phrase back; a longer question asks something new


@lru_cache(maxsize=4096)
def _without_echoes(text: str, agent_low: str) -> str:
    """The message without questions that only throw the agent's last words back ("As soon as possible?
    That's what you said last week!" after "…as soon as possible."): disbelief, not content to say back."""
    a = analyse(text)
    said = " " + " ".join(words_of(agent_low)) + " "
    kept: list[str] = []
    for s in a.sentences:
        words = [w.low for w in a.words(s)]
        if s.question_mark and 0 < len(words) <= _ECHO_MAX and " " + " ".join(words) + " " in said:
            continue
        kept.append(a.text[s.start : s.end])
    return text if len(kept) == len(a.sentences) else " ".join(kept)


@lru_cache(maxsize=4096)
def complaint(text: str) -> str:
    """The customer's most informative statement that reports something wrong, or "" (what an apology can
    name: "My boiler still isn't working", not "I have a newborn baby in the house" nor "I'm so angry")."""
    a = analyse(text)
    cues = [m.start() for m in a.finditer("complaint_cue")]  # gated: one pass over the text, not per sentence
    if not cues:
        return ""
    jabs = [(m.start(), m.end()) for m in a.finditer("sarcasm_cue")]
    best, best_w = "", 0.0
    for s in a.sentences:
        if s.question_mark or not any(s.start <= c < s.end for c in cues):
            continue
        start = s.start
        inside = [j for j in jabs if s.start <= j[0] < s.end]
        if inside:
            # "Oh great, my broadband's down again." reports the fault after its opening jab
            lo, hi = inside[0]
            opening = len(inside) == 1 and lo == s.start and a.low[hi : hi + 1] in (",", "!")
            if not (opening and any(hi < c < s.end for c in cues)):
                continue  # sarcasm says the opposite
            rest = a.low[hi + 1 : s.end]
            start = s.end - len(rest.lstrip())
        if _REQUEST.match(a.low, start) or is_order(a.text, start):
            continue  # "I want you to cancel…" and "Cancel my broadband, today" ask, they report no fault
        w = sentence_weight(a, s)
        if w > best_w:
            if s.last - s.first > _LONG:  # "I ordered a sofa…, paid in full, and every time I call…"
                cue = next(c for c in cues if start <= c < s.end)
                breaks = [m.end() for m in _CLAUSE_BREAK.finditer(a.low, start, cue)]
                start = breaks[-1] if breaks else start
            best, best_w = a.text[start : s.end], w
    return best


_LONG = 18  # words: past what a better line says back whole (see gist), the clause with the fault is named
_CLAUSE_BREAK = LEXICON.compile(r"[,;:] (?:and |but |so |then )?| - (?:and |but )?")


# what the customer asks or refuses to do: a demand ("I'm not paying for anything after that"), not a fault
_REQUEST = LEXICON.compile(
    r"\W*(?:i (?:want|need|would like)|i'd like|please|can you|could you|just"
    r"|i(?:'m| am) not (?:paying|going to pay)|i (?:won't|will not|refuse to) pay)\b"
)
