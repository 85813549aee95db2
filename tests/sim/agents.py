"""Scripted agents for the fidelity suite, derived from each scenario's own facts, offers and cues."""

from __future__ import annotations

import re
from collections.abc import Iterator

from simcoach.content.scenario import Fact, Scenario
from simcoach.content.vocabulary import Reveal

_PRONOUNS = {
    "he": "you", "she": "you", "they": "you", "him": "you", "them": "you",
    "his": "your", "her": "your", "their": "your", "he's": "you're", "she's": "you're",
    "himself": "yourself", "herself": "yourself",
}  # fmt: skip


_AGREE = {"you is": "you are", "you was": "you were", "you has": "you have", "you does": "you do"}


def second_person(topic: str) -> str:
    """A fact topic written about the customer, turned to address them ('his account' → 'your account')."""
    out = re.sub(r"\b[A-Za-z']+\b", lambda m: _PRONOUNS.get(m.group(0).lower(), m.group(0)), topic)
    out = re.sub(r"\byou (is|was|has|does)\b", lambda m: _AGREE[m.group(0)], out)
    return re.sub(
        r"\byou (\w+)s\b", lambda m: f"you {m.group(1)}" if len(m.group(1)) > 2 else m.group(0), out
    )


def _asked(scenario: Scenario) -> list[Fact]:
    """Asked facts, the ones the resolution needs first."""
    required = set(scenario.resolution.requires_facts)
    asked = [f for f in scenario.facts if f.reveal is Reveal.asked]
    return sorted(asked, key=lambda f: f.id not in required)


def _offer_cue(scenario: Scenario) -> str:
    offer = next(o for o in scenario.policy.may_offer if o.id in scenario.resolution.requires_any_offer)
    return offer.cues[0]


_WH = ("which", "what", "when", "where", "why", "how", "whether", "who", "anything")
_FRAMES = (
    ("Could you tell me {t}?", "Could you tell me about {t}?"),
    ("Would you mind sharing {t}?", "Would you mind sharing a little about {t}?"),
    ("May I ask {t}?", "May I ask about {t}?"),
)


def ask(topic: str, frame: int) -> str:
    """A question about a fact's topic, in one of several frames (so no four words repeat)."""
    wh, noun = _FRAMES[frame % len(_FRAMES)]
    return (wh if topic.split()[0].lower() in _WH else noun).format(t=topic)


def good_agent(scenario: Scenario) -> Iterator[str]:
    """Probes the facts the fix needs, reflects and validates, owns, makes an allowed offer, follows up."""
    facts = _asked(scenario)
    required = [f for f in facts if f.id in scenario.resolution.requires_facts]
    probes = [second_person(f.topic) for f in (required or facts[:1])]
    yield (
        "That sounds incredibly frustrating, and it makes complete sense that you're upset. "
        + ask(probes[0], 0)
    )
    openers = ["I'm glad you told me that.", "Thank you, that helps me get the full picture."]
    for i, topic in enumerate(probes[1:], start=1):
        yield f"{openers[(i - 1) % len(openers)]} {ask(topic, i)}"
    yield (
        "I'm going to take ownership of this myself, so you won't have to chase anyone or explain "
        f"it all again. Here's what I'll do right now: {_offer_cue(scenario)}. A confirmation email "
        "will reach you within the hour, so it's in writing."
    )
    followups = [CALMING_LINES[i] for i in (6, 3, 8, 10, 12, 13, 9, 4)]
    yield from followups


def thorough_agent(scenario: Scenario) -> Iterator[str]:
    """A good agent who probes every asked fact before owning and offering (a longer, patient route)."""
    topics = [second_person(f.topic) for f in _asked(scenario)]
    leads = (
        "That sounds incredibly frustrating, and it makes complete sense that you're upset.",
        "I'm glad you told me that.",
        "Thank you, that helps me get the full picture.",
        "That's really useful to know.",
    )
    for i, topic in enumerate(topics):
        yield f"{leads[i % len(leads)]} {ask(topic, i)}"
    yield (
        "I'm going to take ownership of this myself, so you won't have to chase anyone or explain "
        f"it all again. Here's what I'll do right now: {_offer_cue(scenario)}. A confirmation email "
        "will reach you within the hour, so it's in writing."
    )
    yield from (CALMING_LINES[i] for i in (6, 3, 8, 10, 12, 13, 9, 4))


def bad_agent(scenario: Scenario) -> Iterator[str]:
    """'Calm down', blame, policy, closed questions only: everything the training warns against."""
    lines = [
        "You need to calm down.",
        "Well, that's your fault for not checking properly.",
        "It's company policy, there's nothing I can do about it.",
        "Is that everything?",
        "Calm down, please. Shouting won't change the policy.",
        "Did you read the terms and conditions?",
        "I can't help you with that, you should have called earlier.",
        "Are you sure?",
    ]
    i = 0
    while True:
        yield lines[i % len(lines)]
        i += 1


def formulaic_agent(scenario: Scenario) -> Iterator[str]:
    """The same 'I understand your frustration' line every turn plus the solution: empathy pasted."""
    line = f"I understand your frustration. {_offer_cue(scenario).capitalize()}."
    while True:
        yield line


CALMING_LINES = (
    "That sounds really frustrating, and it makes sense that you feel let down.",
    "I'm going to take ownership of this myself and sort it out for you.",
    "It's completely understandable to be upset after being passed around like that.",
    "Here's what happens next: I'll check your account now and call you back by 4pm today.",
    "I can hear how stressful this has been for you, and that's completely understandable.",
    "I'll make sure nothing gets lost this time; I'll handle it personally.",
    "That's a lot to carry on top of everything else, and it's no wonder you're anxious.",
    "I'll stay with this until it's sorted, and I'll email you an update by 6pm tonight.",
    "You have every right to be annoyed about this.",
    "I will personally follow this up first thing tomorrow morning.",
    "Let me reassure you: you won't lose anything while I sort this out.",
    "I'm sorry this has put you in such a difficult position.",
    "Your worry makes total sense given everything you've been through.",
    "Anyone in your position would feel worn down by this.",
)
"""Empathic turns the offline scorer recognises (reflection, validation, ownership, next steps), with no
four words in a row shared between any two of them (so none reads as a pasted formula)."""


def calming_agent(scenario: Scenario) -> Iterator[str]:
    """Varied empathic turns with no remedy offered (for measuring how fast a customer calms)."""
    _ = scenario
    while True:
        yield from CALMING_LINES
