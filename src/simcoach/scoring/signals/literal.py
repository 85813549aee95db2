"""Feeling words used literally: "working hard", "hard to say", "stuck the note", "leave you alone"."""

from __future__ import annotations

import re

from simcoach.scoring.lexicon import LEXICON

# "working hard", "try really hard", "studied hard": the adverb of effort, not the feeling "hard"
_EFFORT = LEXICON.compile(
    r"\b(?:work|tr(?:y|ie)|push|stud(?:y|ie)|train|fight|think|press|sav(?:e|ed|es|ing)\b)\w*\s+"
    r"(?:(?:so|very|really|extra) )?$"
)


# "hard to say", "not easy to change": the speaker's uncertainty or a service task's difficulty, not a feeling
# ("it's hard to be apart from them", "hard to find work" and "hard to know what to do" still feel);
# written without apostrophes, as the match is compared once they are dropped ("isn't easy" and "isnt easy")
_DIFFICULTY = frozenset({"hard", "difficult", "tough", "not easy", "never easy", "isnt easy", "is not easy"})
_TASK = LEXICON.compile(
    r" to (?:say|tell|know(?! (?:what|how|where|whether|who|which) to\b)|predict|estimate|guess|judge"
    r"|confirm|pin (?:it |this |that )?down|track|trace|locate|find out|work out|get hold of|change|cancel"
    r"|arrange|book|schedule|process|refund|replace|repair|fix|install|deliver|update|access|reach)\b"
)


# "stuck the note on the fridge": stuck with an object is a literal act; "I'm stuck", "stuck on hold" feel
_STUCK_OBJECT = re.compile(r" (?:the|a|an|it|them|this|that|my|your|his|her|our|their|some|one)\b")


# "I feel torn", "made you feel rejected": a person; "a torn sofa", "a rejected claim": a thing
_FELT_BY_PERSON = LEXICON.compile(
    r"\b(?:feel\w*|felt|sound\w*|seem\w*|get|gets|getting|got|i'm|im|i am|you're|you are|we're|we are|be|"
    r"been)\s+"
    r"(?:(?:so|really|very|a bit|quite|pretty|completely|totally)\s+)*$"
)
# "emotional support" is a kind of help; "you must be emotional" names a feeling
_PERSON_ONLY = frozenset(
    {"abandoned", "rejected", "unwanted", "worthless", "emotional", "pressured", "pressurised", "pressurized"}
    | {"empty", "numb"}  # "an empty box", "numb fingers"; "you must feel empty" is the person's
)
# "down", "low", "bad" name a feeling only after a verb of feeling or seeming ("you sound really down")
_FELT_ONLY = frozenset({"down", "low", "bad"})
_FEEL_VERB = re.compile(
    r"\b(?:feel|feels|felt|feeling|sound|sounds|sounded|seem|seems|seemed)"
    r" (?:(?:so|really|very|a bit|a little|quite|pretty|rather|a bit of a) )*$"
)
_HOW_YOU_FEEL = re.compile(r" (?:you|you're|they|he|she) (?:feel|felt|are|were|must (?:feel|be))\b")
# "leave you alone", "let me alone": the end of a nuisance, not loneliness ("I've been left alone" feels)
_LEAVE_ALONE = re.compile(r"\b(?:leave|leaves|leaving|let|lets) (?:me|you|him|her|them|us|it) $")
# "under a lot of pressure", "so much pressure": on a person; "the boiler pressure" is a reading
_PRESSURE_ON = re.compile(
    r"(?:\bunder(?: \w+){0,3}|\ba lot of|\bso much|\btoo much|\bsuch|\bfeel(?:s|ing)?(?: the)?"
    r"|\bfelt(?: the)?) $"
)
# "a lot of feelings", "strong emotions": felt; "your feelings" alone is what a stock phrase names
_MANY_FEELINGS = re.compile(
    r"\b(?:a lot of|so many|so much|such|strong|intense|big|conflicting|complicated|painful|raw) $"
)
# "this has really affected you", "affected you deeply": the toll on a person, not a fee's "affects you"
_DEEPLY_BEFORE = re.compile(r"\b(?:really|deeply|truly|so|clearly|obviously|seriously|badly|profoundly) $")
_DEEPLY_AFTER = re.compile(r" (?:deeply|badly|a lot|so much|hard|emotionally|greatly)\b")
# "that's a shame", "what a shame": pity, said by the agent; "you feel ashamed" is the customer's shame
_PITY = re.compile(r"\b(?:a|what a|such a|real|bit of a) $")
_TORN_BETWEEN = re.compile(r" (?:between|up about|about whether|over whether)\b")


def literal_feeling_word(low: str, start: int, end: int) -> bool:
    """Whether the feeling word at ``low[start:end]`` is used literally: "hard" of effort ("working hard") or
    of a task ("hard to say"), "stuck" with an object, "torn" or "rejected" of a thing, "emotional support",
    "leave you alone", "down to the bank"."""
    word = low[start:end]
    if word == "stuck":
        return _STUCK_OBJECT.match(low, end) is not None
    if word in _PERSON_ONLY:  # "a rejected claim", "unwanted calls": of a thing, not a feeling
        return _FELT_BY_PERSON.search(low[max(0, start - 40) : start]) is None
    if word in _FELT_ONLY:
        if low.endswith("how ", 0, start) and _HOW_YOU_FEEL.match(low, end):
            return False  # "I can see how bad you feel"
        return _FEEL_VERB.search(low, max(0, start - 24), start) is None
    if word == "shame":
        return _PITY.search(low, max(0, start - 12), start) is not None
    if word == "pressure":
        return _PRESSURE_ON.search(low, max(0, start - 30), start) is None
    if word in ("feelings", "emotions"):
        return _MANY_FEELINGS.search(low, max(0, start - 20), start) is None
    if word in ("affected you", "affecting you"):
        deeply = _DEEPLY_BEFORE.search(low, max(0, start - 16), start) or _DEEPLY_AFTER.match(low, end)
        return deeply is None
    if word == "alone":
        return _LEAVE_ALONE.search(low, max(0, start - 20), start) is not None
    if word == "torn":
        person = _FELT_BY_PERSON.search(low[max(0, start - 40) : start]) is not None
        return not person and _TORN_BETWEEN.match(low, end) is None
    if word.replace("'", "") in _DIFFICULTY and _TASK.match(low, end) is not None:
        return True
    return word == "hard" and _EFFORT.search(low[max(0, start - 24) : start]) is not None
