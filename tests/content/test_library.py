"""The shipped starter library loads with the real loader and covers what trainers were promised.

Breadth (archetypes, domains, rubrics, difficulties), completeness (a line for every intent and band,
facts of every reveal kind, offers with cues), and the simulated-customer failures the guide names:
over-disclosure (trust-gated facts already unlocked at the start), breaking character (lines that speak
as an assistant or AI), the same voice everywhere, and language over the hostility ceiling.

Content only works if the rest of the system can read it, so a few checks use the real scorer and
reply guard: offer cues fire on the offer and not on a reflection of the complaint, required
disclosures are recognised in natural words, sarcasm is recognisable, and the scripted lines (the
fallback for an LLM reply) pass the same guard an LLM reply must pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from simcoach.content.library import ContentLibrary
from simcoach.content.loader import check_library
from simcoach.content.persona import LineBank, Persona, line_text
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import (
    Archetype,
    Band,
    Difficulty,
    HostilityCeiling,
    Intent,
    Reveal,
    SignalKind,
)
from simcoach.llm.guardrails import build_guard
from simcoach.scoring.models import ChatTurn
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.signals.scenario import scenario_signals
from simcoach.scoring.text import analyse
from simcoach.sim.difficulty import scale_for

REPO_ROOT = Path(__file__).resolve().parents[2]

REQUIRED_ARCHETYPES = {
    Archetype.irate,
    Archetype.anxious,
    Archetype.rude,
    Archetype.sarcastic,
    Archetype.confused,
    Archetype.distressed,
}
DOMAIN_TAGS = {
    "billing",
    "delivery",
    "outage",
    "technical-support",
    "cancellation",
    "policy-no",
    "hardship",
    "bereavement",
}
MIN_LINES_PER_CELL = 3
MIN_FACTS = 4
ALLOWED_SLOTS = {"name", "value", "agent_words", "topic"}

BREAKS_CHARACTER = re.compile(
    r"as an ai|\bai model\b|language model|assistant|how can i help you|how may i help|"
    r"\bchatbot\b|i'?m (?:just )?a (?:bot|program)|my instructions|i am an ai",
    re.IGNORECASE,
)
PERSONAL_ABUSE = re.compile(r"\b(?:idiot|moron|imbecile|cretin|shut up|halfwit)s?\b", re.IGNORECASE)
STRONG_WORDS = re.compile(r"\b(?:bloody|useless|crap|damn|shambolic|disgrace)\b", re.IGNORECASE)
SHOUTING = re.compile(r"\b[A-Z]{3,}\b")
SHOUTING_EXEMPT = {"OK", "SDS", "SSID", "LS6", "QT"}
SLOT = re.compile(r"\{([^{}]*)\}")

# Agent sentences and the offers the scorer must find in them, per scenario: the resolving offer said
# naturally counts; a reflection of the complaint, a probe or a "no" does not (cues are matched as a bag
# of stems within one sentence, so a loose cue would resolve a scenario on a mere reflection).
OfferCase = tuple[str, set[str], set[str]]
OFFER_CASES: dict[str, list[OfferCase]] = {
    "billing-double-charge": [
        ("I'm sorry we took £64.99 twice and that the refund you were promised never arrived.", set(), set()),
        ("So you were told the refund would be raised within 48 hours, and nothing happened.", set(), set()),
        ("I'll refund the duplicate payment in 3 to 5 working days.", {"refund-duplicate"}, set()),
        ("If your bank charged you, I'll cover the bank fee too.", {"credit-bank-fee"}, set()),
        ("It'll be back in your account tonight, it's an instant refund.", set(), {"same-day-refund"}),
    ],
    "delivery-lost-parcel": [
        ("Tracking says delivered on Tuesday, in a safe place, and you've got nothing.", set(), set()),
        ("I'll send you a replacement by tracked next-day delivery.", {"replacement-next-day"}, set()),
        ("I promise it will arrive by ten tomorrow morning.", set(), {"guaranteed-time"}),
    ],
    "outage-broadband-deadline": [
        ("Down since last night, the second time this month, and that's awful timing.", set(), set()),
        ("I'll add unlimited mobile data to your phone today, free of charge.", {"mobile-data-boost"}, set()),
        ("I can't guarantee it'll be back by 3, that's the engineers' estimate.", set(), set()),
    ],
    "tech-remote-school-tablet": [
        ("Has anything changed recently, like the wifi password?", set(), set()),
        ("The next step is to find the settings.", set(), set()),
        ("I'll walk you through reconnecting the tablet to the wifi.", {"guided-reconnect"}, set()),
        ("There's no need to replace the tablet; it isn't broken.", set(), set()),
    ],
    "cancellation-second-attempt": [
        ("I'm sorry your cancellation was never processed and you were billed again.", set(), set()),
        ("When did you first ask to cancel?", set(), set()),
        ("I'll backdate the cancellation and refund the extra month.", {"backdate-cancellation"}, set()),
        ("You'll need to return the router in the prepaid bag.", set(), set()),
    ],
    "policy-no-late-return": [
        ("You wanted a full refund for the £229 drill back on your card, and it's unused.", set(), set()),
        ("I can't refund it to your card because it's outside the 30 days.", set(), set()),
        ("I can exchange it for the 36-volt model; you'd pay the £50 difference.", {"exchange-36v"}, set()),
        ("OK, I'll make an exception and refund it.", set(), {"card-refund"}),
    ],
    "hardship-job-loss": [
        ("So the bill is £286.40, due on the 5th, and you've had a final notice.", set(), set()),
        ("What could you realistically afford each month?", set(), set()),
        ("I'll set up a payment plan at £45 a month.", {"payment-plan"}, set()),
        ("Don't worry, I'll write off the balance.", set(), {"write-off"}),
    ],
    "bereavement-account-closure": [
        ("I'm so sorry about Alan. Letters are still coming in his name.", set(), set()),
        ("Could you keep the account number handy?", set(), set()),
        ("I'll transfer the account into your name so you keep the number.", {"transfer-to-ruth"}, set()),
        ("Am I speaking to the account holder?", set(), {"account-holder-call"}),
    ],
}

# Natural wordings of each required disclosure (the "loosened script"): all must be recognised.
DISCLOSURE_CASES: dict[str, list[str]] = {
    "billing-double-charge": [
        "Just so you know, this call is recorded for training and quality.",
        "Before I look at the account, a quick security check: can you confirm your date of birth?",
    ],
    "cancellation-second-attempt": [
        "Calls are recorded, by the way.",
        "Can I run a quick security check first? What's the first line of your address?",
        "The 30 days' notice runs from the 14th, so your final bill will reflect that.",
        "I'll send you a prepaid bag to return the router.",
    ],
    "hardship-job-loss": [
        "This call may be recorded.",
        "For data protection, can you confirm your date of birth?",
        "There's free, independent debt advice from StepChange or Citizens Advice.",
        "I've put a hold on collection activity, so no further letters.",
    ],
    "bereavement-account-closure": [
        "I should mention that calls are recorded.",
        "For data protection, can I ask your relationship to Alan, and whether you're the executor?",
        "I'll pass you to our bereavement team, who'll give you a direct number.",
    ],
}


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    lib, errors = check_library([REPO_ROOT], root=REPO_ROOT)
    assert errors == [], "shipped content has errors:\n" + "\n".join(str(e) for e in errors)
    return lib


def _personas(library: ContentLibrary) -> list[Persona]:
    return [v.item for v in library.personas.values()]


def _scenarios(library: ContentLibrary) -> list[Scenario]:
    return [v.item for v in library.scenarios.values()]


def _bank_lines(bank: LineBank) -> Iterator[tuple[Intent, Band, str]]:
    for intent, bands in bank.items():
        for band, lines in bands.items():
            for line in lines:
                yield intent, band, line_text(line)


def _spoken(library: ContentLibrary) -> Iterator[tuple[str, Intent | None, str]]:
    """Every line a customer can speak: (where, intent if known, text)."""
    for persona in _personas(library):
        for intent, band, line in _bank_lines(persona.lines):
            yield f"persona {persona.id} {intent}/{band}", intent, line
    for scenario in _scenarios(library):
        for intent, band, line in _bank_lines(scenario.lines):
            yield f"scenario {scenario.id} {intent}/{band}", intent, line
        for line in scenario.opening_lines:
            yield f"scenario {scenario.id} opening_lines", Intent.opening, line
        for fact in scenario.facts:
            for line in fact.say:
                yield f"scenario {scenario.id} fact {fact.id}", Intent.answer, line


# --- the files themselves ---------------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "schema"), [("personas", "persona"), ("scenarios", "scenario")])
def test_every_file_starts_with_its_schema_comment(folder: str, schema: str) -> None:
    files = sorted((REPO_ROOT / folder).glob("*.yaml"))
    assert files, f"no files in {folder}/"
    want = f"# yaml-language-server: $schema=../schemas/{schema}.schema.json"
    bad = [f.name for f in files if f.read_text(encoding="utf-8").splitlines()[0] != want]
    assert bad == []


def test_every_scenario_names_the_idea_it_practises() -> None:
    files = sorted((REPO_ROOT / "scenarios").glob("*.yaml"))
    bad = [f.name for f in files if "# Practises:" not in f.read_text(encoding="utf-8")]
    assert bad == []


def test_file_names_match_ids(library: ContentLibrary) -> None:
    for persona in library.personas.values():
        assert persona.source.stem == persona.item.id
    for scenario in library.scenarios.values():
        assert scenario.source.stem == scenario.item.id


# --- breadth ----------------------------------------------------------------------------------------


def test_the_six_archetypes_are_present(library: ContentLibrary) -> None:
    archetypes = {p.archetype for p in _personas(library)}
    assert archetypes >= REQUIRED_ARCHETYPES, f"missing: {REQUIRED_ARCHETYPES - archetypes}"


def test_scenarios_cover_the_eight_domains(library: ContentLibrary) -> None:
    scenarios = _scenarios(library)
    assert len(scenarios) >= 8
    tags = {t for s in scenarios for t in s.tags}
    assert tags >= DOMAIN_TAGS, f"missing domains: {DOMAIN_TAGS - tags}"


def test_every_difficulty_is_used(library: ContentLibrary) -> None:
    assert {s.difficulty for s in _scenarios(library)} == set(Difficulty)


def test_both_rubrics_exist_and_empathy_core_is_the_three_skills(library: ContentLibrary) -> None:
    assert {"empathy-core", "qa-scorecard"} <= set(library.rubrics)
    criteria = [c.id for c in library.rubric("empathy-core").criteria]
    assert sorted(criteria) == ["deescalation", "mirroring", "probing"]


def test_both_rubrics_are_used_and_qa_scorecard_at_least_three_times(library: ContentLibrary) -> None:
    used = [s.rubric for s in _scenarios(library)]
    assert "empathy-core" in used
    assert used.count("qa-scorecard") >= 3


def test_every_scenario_reference_resolves(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        assert scenario.persona in library.personas, scenario.id
        assert scenario.rubric in library.rubrics, scenario.id


# --- personas ---------------------------------------------------------------------------------------


def test_every_persona_has_lines_for_every_intent_and_band(library: ContentLibrary) -> None:
    gaps: list[str] = []
    for persona in _personas(library):
        for intent in Intent:
            for band in Band:
                lines = persona.lines.get(intent, {}).get(band, [])
                if len(lines) < MIN_LINES_PER_CELL:
                    gaps.append(f"{persona.id} {intent}/{band}: {len(lines)} lines")
    assert gaps == []


def test_no_line_repeats_within_a_persona_cell(library: ContentLibrary) -> None:
    for persona in _personas(library):
        for intent, bands in persona.lines.items():
            for band, lines in bands.items():
                normalised = [line_text(line).casefold() for line in lines]
                assert len(set(normalised)) == len(lines), f"{persona.id} {intent}/{band}"


def test_personas_do_not_share_a_voice(library: ContentLibrary) -> None:
    """Two personas may share a grunt ("And?") but not their lines."""
    banks = {p.id: {line.casefold() for _, _, line in _bank_lines(p.lines)} for p in _personas(library)}
    ids = sorted(banks)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            shared = banks[a] & banks[b]
            assert len(shared) <= 3, f"{a} and {b} share {sorted(shared)}"


def test_personas_differ_in_length_of_speech(library: ContentLibrary) -> None:
    """A terse persona speaks measurably shorter lines than a verbose one."""
    mean_words: dict[str, float] = {}
    for persona in _personas(library):
        words = [len(line.split()) for _, _, line in _bank_lines(persona.lines)]
        mean_words[persona.speech_style.verbosity + ":" + persona.id] = sum(words) / len(words)
    terse = [v for k, v in mean_words.items() if k.startswith("terse:")]
    verbose = [v for k, v in mean_words.items() if k.startswith("verbose:")]
    assert terse
    assert verbose
    assert max(terse) < min(verbose)


def test_sensitivities_cover_each_archetypes_signature_trigger(library: ContentLibrary) -> None:
    signature = {
        Archetype.irate: "calm_down",
        Archetype.anxious: "vague_timeline",
        Archetype.sarcastic: "literal_sarcasm_reply",
        Archetype.distressed: "policy_hiding",
    }
    for persona in _personas(library):
        want = signature.get(persona.archetype)
        if want is None:
            continue
        by_signal = {str(s.signal): s for s in persona.sensitivities if s.signal is not None}
        assert want in by_signal, f"{persona.id} lacks {want}"
        effect = by_signal[want].effect
        assert effect.anger > 0 or effect.anxiety > 0, f"{persona.id}: {want} should escalate"
    distressed = [p for p in _personas(library) if p.archetype is Archetype.distressed]
    for persona in distressed:
        validation = [s for s in persona.sensitivities if str(s.signal) == "validation"]
        assert validation, persona.id
        assert validation[0].effect.anxiety < 0 or validation[0].effect.anger < 0


# --- scenarios --------------------------------------------------------------------------------------


def test_every_scenario_has_facts_of_every_reveal_kind(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        assert len(scenario.facts) >= MIN_FACTS, scenario.id
        kinds = {f.reveal for f in scenario.facts}
        assert kinds == set(Reveal), f"{scenario.id} has only {sorted(kinds)}"


def test_trust_gated_facts_are_locked_at_the_start(library: ContentLibrary) -> None:
    """A trust fact the customer would say on turn one is over-disclosure in disguise."""
    for scenario in _scenarios(library):
        start = scenario.starting_state or library.persona(scenario.persona).baseline
        offset = scale_for(scenario.difficulty).trust_offset
        for fact in scenario.facts:
            if fact.reveal is Reveal.trust:
                assert fact.trust_at_least is not None
                assert fact.trust_at_least + offset > start.trust, f"{scenario.id}.{fact.id}"


def test_asked_facts_have_keywords_a_question_would_use(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        for fact in scenario.facts:
            if fact.reveal is Reveal.asked:
                assert len(fact.keywords) >= 2, f"{scenario.id}.{fact.id}"


def test_scenarios_have_openings_unknowns_and_stakes(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        assert len(scenario.opening_lines) >= 2, scenario.id
        assert scenario.unknowns, scenario.id
        assert scenario.secondary_issue.strip() != scenario.primary_issue.strip(), scenario.id


def test_resolution_offers_have_cues(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        offers = {o.id: o for o in scenario.policy.may_offer}
        for offer_id in scenario.resolution.requires_any_offer:
            cues = [c for c in offers[offer_id].cues if c.strip()]
            assert cues, f"{scenario.id}: offer {offer_id} has no cues"


def test_forbidden_offers_have_reasons_and_do_not_collide_with_allowed_cues(
    library: ContentLibrary,
) -> None:
    for scenario in _scenarios(library):
        allowed = [c.casefold() for o in scenario.policy.may_offer for c in o.cues]
        for offer in scenario.policy.may_not_offer:
            assert offer.why_not.strip(), f"{scenario.id}: {offer.id} needs why_not"
            for cue in (c.casefold() for c in offer.cues):
                clash = [a for a in allowed if cue in a or a in cue]
                assert clash == [], f"{scenario.id}: forbidden cue {cue!r} overlaps {clash}"


@pytest.mark.parametrize("scenario_id", sorted(OFFER_CASES))
def test_offer_cues_catch_the_offer_and_not_a_reflection(library: ContentLibrary, scenario_id: str) -> None:
    scenario = library.scenario(scenario_id)
    for text, offers, forbidden in OFFER_CASES[scenario_id]:
        found = scenario_signals(analyse(text), scenario)
        got_offers = {s.detail for s in found if s.kind is SignalKind.offer_made}
        got_forbidden = {s.detail for s in found if s.kind is SignalKind.forbidden_offer}
        assert (got_offers, got_forbidden) == (offers, forbidden), text


def test_every_shipped_scenario_has_offer_cases(library: ContentLibrary) -> None:
    assert set(OFFER_CASES) == set(library.scenarios)


@pytest.mark.parametrize("scenario_id", sorted(DISCLOSURE_CASES))
def test_required_disclosures_are_recognised_in_natural_words(
    library: ContentLibrary, scenario_id: str
) -> None:
    scenario = library.scenario(scenario_id)
    made: set[str] = set()
    for text in DISCLOSURE_CASES[scenario_id]:
        found = scenario_signals(analyse(text), scenario)
        made |= {s.detail for s in found if s.kind is SignalKind.disclosure_made}
    assert made == {d.id for d in scenario.required_disclosures}


def test_a_disclosures_own_line_is_heard_as_that_disclosure(library: ContentLibrary) -> None:
    """The line feedback suggests for an outstanding disclosure must itself count as making it."""
    for scenario in _scenarios(library):
        for disclosure in scenario.required_disclosures:
            assert disclosure.say, f"{scenario.id}.{disclosure.id} has no line to suggest"
            found = scenario_signals(analyse(disclosure.say), scenario)
            made = {s.detail for s in found if s.kind is SignalKind.disclosure_made}
            assert disclosure.id in made, f"{scenario.id}.{disclosure.id}: {disclosure.say}"


def test_every_scenario_with_disclosures_has_disclosure_cases(library: ContentLibrary) -> None:
    with_disclosures = {s.id for s in _scenarios(library) if s.required_disclosures}
    assert set(DISCLOSURE_CASES) == with_disclosures


def test_qa_scorecard_scenarios_require_disclosures_with_cues(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        if scenario.rubric != "qa-scorecard":
            continue
        ids = {d.id for d in scenario.required_disclosures}
        assert "call-recording" in ids, scenario.id
        assert len(ids) >= 2, scenario.id
        for disclosure in scenario.required_disclosures:
            assert all(c.strip() for c in disclosure.cues), f"{scenario.id}.{disclosure.id}"


async def _literal_reply_flagged(library: ContentLibrary, scenario: Scenario, customer_line: str) -> bool:
    rubric = library.rubrics[scenario.rubric]
    assessment = await OfflineScorer().assess(
        rubric=rubric.item,
        rubric_version=rubric.version,
        context=[ChatTurn(role="customer", text=customer_line)],
        text="Glad to hear it! What can I do for you?",
        scenario=scenario,
    )
    return any(s.kind is SignalKind.literal_sarcasm_reply for s in assessment.signals)


async def test_sarcasm_scenarios_let_the_scorer_catch_a_literal_reply(library: ContentLibrary) -> None:
    """A sarcasm scenario trains nothing if the scorer cannot tell the customer was being sarcastic."""
    sarcastic = [s for s in _scenarios(library) if "sarcasm" in s.tags]
    assert sarcastic
    for scenario in sarcastic:
        for line in scenario.opening_lines:
            assert await _literal_reply_flagged(library, scenario, line), line
        persona = library.persona(scenario.persona)
        sarcasm_lines = [line for _, _, line in _bank_lines({Intent.sarcasm: persona.lines[Intent.sarcasm]})]
        flagged = [line for line in sarcasm_lines if await _literal_reply_flagged(library, scenario, line)]
        assert len(flagged) == len(sarcasm_lines), sorted(set(sarcasm_lines) - set(flagged))


def test_hardship_and_bereavement_refer_the_customer_to_support(library: ContentLibrary) -> None:
    for scenario in _scenarios(library):
        if {"hardship", "bereavement"} & set(scenario.tags):
            text = " ".join(c for d in scenario.required_disclosures for c in [d.description, *d.cues])
            assert re.search(r"debt advice|bereavement", text, re.IGNORECASE), scenario.id


# --- what the customer says ---------------------------------------------------------------------------


def test_no_line_speaks_as_an_assistant_or_ai(library: ContentLibrary) -> None:
    bad = [(where, line) for where, _, line in _spoken(library) if BREAKS_CHARACTER.search(line)]
    assert bad == []


def test_scripted_lines_pass_the_reply_guard(library: ContentLibrary) -> None:
    """The offline lines are the fallback when an LLM reply fails the guard: they must pass it too.

    Persona lines against the persona's hostility ceiling; scenario lines and openings also against
    the values of facts the customer has not revealed yet (anything but volunteered facts).
    """
    problems: list[str] = []
    for persona in _personas(library):
        guard = build_guard(hostility=persona.hostility_ceiling)
        for intent, band, line in _bank_lines(persona.lines):
            verdict = guard.scan(line, final=True)
            if verdict.violation is not None:
                problems.append(f"{persona.id} {intent}/{band}: {verdict.violation}: {line!r}")
    for scenario in _scenarios(library):
        hidden = [f.value for f in scenario.facts if f.reveal is not Reveal.volunteered]
        guard = build_guard(
            hostility=library.persona(scenario.persona).hostility_ceiling,
            hidden_values=hidden,
            exempt_words=[scenario.customer_name],
        )
        spoken = [f"{i}/{b}: {line}" for i, b, line in _bank_lines(scenario.lines)]
        spoken += [f"opening: {line}" for line in scenario.opening_lines]
        for item in spoken:
            where, line = item.split(": ", 1)
            verdict = guard.scan(line, final=True)
            if verdict.violation is not None:
                problems.append(f"{scenario.id} {where}: {verdict.violation}: {line!r}")
    assert problems == []


def test_lines_use_only_known_slots_and_value_only_in_answers(library: ContentLibrary) -> None:
    for where, intent, line in _spoken(library):
        slots = set(SLOT.findall(line))
        assert slots <= ALLOWED_SLOTS, f"{where}: {line!r}"
        if "value" in slots:
            assert intent is Intent.answer, f"{where}: {{value}} outside an answer: {line!r}"
        assert line.count("{") == line.count("}"), f"{where}: {line!r}"


def test_agent_words_are_thrown_back_only_when_it_makes_sense(library: ContentLibrary) -> None:
    """{agent_words} quotes the trigger in a triggered reply; elsewhere only a sarcastic customer does it.

    Outside a trigger the engine quotes the agent's first clause, which reads as a non sequitur unless
    the persona habitually throws words back.
    """
    sarcastic = {p.id for p in _personas(library) if p.archetype is Archetype.sarcastic}
    banks: list[tuple[str, LineBank]] = [(p.id, p.lines) for p in _personas(library)]
    banks += [(s.persona, s.lines) for s in _scenarios(library)]
    for persona_id, bank in banks:
        for intent, band, line in _bank_lines(bank):
            if "{agent_words}" not in line or intent is Intent.triggered:
                continue
            assert persona_id in sarcastic, f"{persona_id} {intent}/{band}: {line!r}"
            assert intent in {Intent.pushback, Intent.sarcasm}, f"{persona_id} {intent}/{band}: {line!r}"


def test_answer_lines_carry_the_value(library: ContentLibrary) -> None:
    for persona in _personas(library):
        for band, lines in persona.lines.get(Intent.answer, {}).items():
            for line in map(line_text, lines):
                assert "{value}" in line, f"{persona.id} answer/{band}: {line!r}"


def test_lines_stay_within_the_hostility_ceiling(library: ContentLibrary) -> None:
    ceiling = {p.id: p.hostility_ceiling for p in _personas(library)}
    speaker = {s.id: s.persona for s in _scenarios(library)}
    problems: list[str] = []
    for where, _, line in _spoken(library):
        kind, item_id = where.split()[:2]
        level = ceiling[item_id if kind == "persona" else speaker[item_id]]
        if PERSONAL_ABUSE.search(line):
            problems.append(f"{where}: personal abuse: {line!r}")
        if level is not HostilityCeiling.strong and STRONG_WORDS.search(line):
            problems.append(f"{where}: strong language over '{level}': {line!r}")
        if level in {HostilityCeiling.none, HostilityCeiling.mild}:
            shouted = [w for w in SHOUTING.findall(line) if w not in SHOUTING_EXEMPT]
            if shouted:
                problems.append(f"{where}: shouting over '{level}': {line!r}")
    assert problems == []
