"""The scenario a trainer writes: the problem, the stakes, the facts and what the agent may offer."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simcoach.content.base import ContentModel, NonEmptyStr, Slug, Unit
from simcoach.content.persona import EmotionalState, LineBank
from simcoach.content.vocabulary import Difficulty, Reveal


class Fact(ContentModel):
    """Something the customer knows, and the condition under which they say it."""

    id: Slug
    topic: NonEmptyStr = Field(description="What the fact is about, e.g. 'when the charge happened'.")
    keywords: list[NonEmptyStr] = Field(
        min_length=1,
        description="Words and phrases an agent question about this topic would use.",
    )
    value: NonEmptyStr = Field(description="The fact itself; fills {value} in 'say' lines.")
    say: list[NonEmptyStr] = Field(
        min_length=1, description="How the customer states it; may use {value} and {name}."
    )
    reveal: Reveal
    trust_at_least: Unit | None = Field(
        default=None, description="Required with reveal: trust; the trust needed to say it."
    )

    @model_validator(mode="after")
    def _trust_threshold(self) -> Fact:
        if self.reveal is Reveal.trust and self.trust_at_least is None:
            raise ValueError("reveal: trust needs 'trust_at_least' (0.0-1.0)")
        if self.reveal is not Reveal.trust and self.trust_at_least is not None:
            raise ValueError("'trust_at_least' only applies with reveal: trust")
        return self


class Offer(ContentModel):
    """A remedy the agent may (or may not) offer, recognised by cue phrases in the agent's turn."""

    id: Slug
    description: NonEmptyStr
    cues: list[NonEmptyStr] = Field(
        min_length=1, description="Phrases that count as making this offer (case-insensitive)."
    )
    why_not: str = Field(default="", description="For may_not_offer: the policy reason.")


class Policy(ContentModel):
    """What the agent may and may not offer."""

    may_offer: list[Offer] = Field(min_length=1)
    may_not_offer: list[Offer] = Field(default_factory=list)


class RequiredDisclosure(ContentModel):
    """Something the agent must say (compliance), recognised by cue phrases."""

    id: Slug
    description: NonEmptyStr
    cues: list[NonEmptyStr] = Field(min_length=1)
    say: NonEmptyStr | None = Field(
        default=None,
        description="A line that makes the disclosure, shown as the better line while it is outstanding; "
        "it must contain one of the cues.",
    )

    @field_validator("say")
    @classmethod
    def _say_counts(cls, say: str | None, info: ValidationInfo) -> str | None:
        cues = info.data.get("cues") or []
        if say is not None and cues and not any(cue.lower() in say.lower() for cue in cues):
            raise ValueError(
                f"'say' must contain one of the cues ({', '.join(repr(c) for c in cues)}), so the line the "
                "agent is shown counts as the disclosure"
            )
        return say


class Resolution(ContentModel):
    """When the customer accepts: an offer made and the customer calm enough."""

    requires_any_offer: list[Slug] = Field(
        min_length=1, description="Ids from policy.may_offer; any one of them resolves."
    )
    requires_facts: list[Slug] = Field(
        default_factory=list,
        description="Fact ids the agent must have uncovered before the offer lands.",
    )
    max_anger: Unit | None = Field(default=None, description="Overrides the persona's accept_below_anger.")


class EndConditions(ContentModel):
    """When the session ends without resolution."""

    max_turns: int = Field(default=12, ge=2, le=100)
    hang_up_at_patience: Unit = Field(default=0.0, description="Hangs up when patience <= this.")
    supervisor_demand: bool = Field(
        default=True, description="Whether this customer may demand a supervisor."
    )


class Scenario(ContentModel):
    """One practice situation: a persona with a problem, facts, policy limits and an outcome."""

    id: Slug
    title: NonEmptyStr
    briefing: NonEmptyStr = Field(description="What the trainee reads before starting.")
    persona: Slug = Field(description="Id of a persona in personas/.")
    rubric: Slug = Field(description="Id of a rubric in rubrics/.")
    customer_name: NonEmptyStr
    primary_issue: NonEmptyStr = Field(description="The problem to solve.")
    secondary_issue: NonEmptyStr = Field(description="The emotional stakes under it.")
    facts: list[Fact] = Field(min_length=1)
    unknowns: list[NonEmptyStr] = Field(
        default_factory=list, description="Things the customer does not know and must not state."
    )
    opening_lines: list[NonEmptyStr] = Field(min_length=1)
    policy: Policy
    required_disclosures: list[RequiredDisclosure] = Field(default_factory=list)
    resolution: Resolution
    end: EndConditions = Field(default_factory=EndConditions)
    starting_state: EmotionalState | None = Field(
        default=None, description="Overrides the persona's baseline for this scenario."
    )
    difficulty: Difficulty = Difficulty.standard
    tags: list[NonEmptyStr] = Field(default_factory=list)
    lines: LineBank = Field(
        default_factory=dict, description="Scenario lines; used before the persona's for an intent."
    )

    @model_validator(mode="after")
    def _internal_references(self) -> Scenario:
        problems: list[str] = []
        fact_ids = [f.id for f in self.facts]
        dupes = sorted({i for i in fact_ids if fact_ids.count(i) > 1})
        if dupes:
            problems.append(f"duplicate fact id(s): {', '.join(dupes)}")
        offer_ids = {o.id for o in self.policy.may_offer}
        missing = [o for o in self.resolution.requires_any_offer if o not in offer_ids]
        if missing:
            problems.append(
                f"resolution.requires_any_offer names {', '.join(missing)}, "
                f"not in policy.may_offer ({', '.join(sorted(offer_ids))})"
            )
        unknown_facts = [f for f in self.resolution.requires_facts if f not in fact_ids]
        if unknown_facts:
            problems.append(f"resolution.requires_facts names unknown fact(s): {unknown_facts}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
