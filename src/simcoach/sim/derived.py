"""What a practice session derives from its content: rules, disclosure index, endings, scripted lines.

Built from the content alone and only read by turns, so one is shared by every session (and every
restore) that runs the same content objects.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from simcoach.content.library import Versioned
from simcoach.content.persona import Persona
from simcoach.content.rubric import Rubric
from simcoach.content.scenario import Scenario
from simcoach.sim import disclosure, outcomes
from simcoach.sim.difficulty import scale_for
from simcoach.sim.models import AllowedFact, CustomerState
from simcoach.sim.rules import RuleContext
from simcoach.sim.scripted import ScriptedCustomer, fact_line


@dataclass(slots=True)
class DerivedContent:
    """Everything a session derives from its content (never snapshotted: rebuilt or shared on restore)."""

    scenario: Versioned[Scenario]
    persona: Versioned[Persona]
    rubric: Versioned[Rubric]
    rules: RuleContext
    index: disclosure.DisclosureIndex
    ends: outcomes.OutcomeRules
    customer: ScriptedCustomer
    known: dict[str, AllowedFact]
    """Each fact as a renderer sees it once said, with its first authored wording."""

    @classmethod
    def build(
        cls, scenario: Versioned[Scenario], persona: Versioned[Persona], rubric: Versioned[Rubric]
    ) -> DerivedContent:
        sc, pe = scenario.item, persona.item
        scale = scale_for(sc.difficulty)
        customer = ScriptedCustomer(sc, pe)
        known = {
            f.id: AllowedFact(
                id=f.id, topic=f.topic, value=f.value, line=fact_line(f, sc.customer_name, customer.pronoun)
            )
            for f in sc.facts
        }
        return cls(
            scenario=scenario,
            persona=persona,
            rubric=rubric,
            rules=RuleContext(
                baseline=baseline_of(sc, pe),
                dynamics=pe.dynamics,
                sensitivities=tuple(pe.sensitivities),
                scale=scale,
                rubric=rubric.item,
            ),
            index=disclosure.DisclosureIndex(sc),
            ends=outcomes.OutcomeRules.build(sc, pe.dynamics, scale),
            customer=customer,
            known=known,
        )


_BUILT: OrderedDict[tuple[int, int, int], DerivedContent] = OrderedDict()
_BUILT_SIZE = 64


def derived_for(
    scenario: Versioned[Scenario], persona: Versioned[Persona], rubric: Versioned[Rubric]
) -> DerivedContent:
    """:meth:`DerivedContent.build`, shared by every session restored from the same content objects.

    Everything in it comes from the content alone and turns only read it, so sessions on the same
    (immutable) content objects share one instead of rebuilding it on every restore. Keyed by identity:
    the entry holds the objects, so their ids stay theirs while cached.
    """
    key = (id(scenario), id(persona), id(rubric))
    found = _BUILT.get(key)
    if found is not None:
        same = found.scenario is scenario and found.persona is persona and found.rubric is rubric
        if same:  # always, while the entry holds the objects; checked rather than assumed
            _BUILT.move_to_end(key)
            return found
    built = DerivedContent.build(scenario, persona, rubric)
    _BUILT[key] = built
    if len(_BUILT) > _BUILT_SIZE:
        _BUILT.popitem(last=False)
    return built


def baseline_of(scenario: Scenario, persona: Persona) -> CustomerState:
    """The state the session starts from and drifts back to: the scenario's override, else the persona's."""
    base = scenario.starting_state or persona.baseline
    return CustomerState(anger=base.anger, anxiety=base.anxiety, trust=base.trust, patience=base.patience)
