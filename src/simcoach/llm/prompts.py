"""Customer prompts from jinja2 templates: only what the engine allows this turn goes in."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from simcoach.content.persona import Persona
from simcoach.content.scenario import Scenario
from simcoach.content.vocabulary import HostilityCeiling
from simcoach.providers.base import ChatMessage
from simcoach.sim.models import RenderRequest


@cache
def environment() -> Environment:
    """The template environment: package templates, undefined variables are errors, plain text."""
    return Environment(
        loader=PackageLoader("simcoach.llm", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are plain text for a model, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def _variables(
    request: RenderRequest, persona: Persona | None, scenario: Scenario | None
) -> dict[str, object]:
    history = request.recent_turns
    if history and history[-1].role == "agent" and history[-1].text == request.agent_text:
        history = history[:-1]  # the latest agent message is shown on its own, fenced
    return {
        "name": request.customer_name,
        "persona": persona,
        "issue": scenario.primary_issue if scenario is not None else "A problem with your account.",
        "unknowns": scenario.unknowns if scenario is not None else [],
        "state_in_words": request.state_in_words,
        "band": request.band.value,
        "intent": request.intent.value,
        "known": request.known_so_far,
        "reveal_now": request.reveal_now,
        "verbosity": persona.speech_style.verbosity if persona is not None else "medium",
        "hostility": (persona.hostility_ceiling if persona is not None else HostilityCeiling.moderate).value,
        "history": history,
        "agent_text": _unfenced(request.agent_text.strip()),
    }


def _unfenced(text: str) -> str:
    """The agent's text with our fence tags defused, so it cannot close the fence and speak as us."""
    return re.sub(r"<\s*(/?)\s*agent_message\s*>", r"[\1agent message]", text, flags=re.IGNORECASE)


def customer_messages(
    request: RenderRequest, persona: Persona | None, scenario: Scenario | None
) -> list[ChatMessage]:
    """System and user messages for one customer reply."""
    env = environment()
    variables = _variables(request, persona, scenario)
    system = env.get_template("customer_system.j2").render(variables).strip()
    user = env.get_template("customer_turn.j2").render(variables).strip()
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def allowed_text(request: RenderRequest, persona: Persona | None, scenario: Scenario | None) -> str:
    """Everything the customer may legitimately repeat: the prompt's own content and the conversation."""
    parts = [request.customer_name, request.agent_text, *(t.text for t in request.recent_turns)]
    parts += [f.value for f in [*request.reveal_now, *request.known_so_far]]
    parts += [f.line for f in request.reveal_now]
    if persona is not None:
        parts.append(persona.background)
    if scenario is not None:
        parts.append(scenario.primary_issue)
    return "\n".join(parts)


def hidden_values(request: RenderRequest, scenario: Scenario | None) -> list[str]:
    """Values of the scenario's facts the engine has not allowed yet (never in the prompt)."""
    if scenario is None:
        return []
    allowed = {f.id for f in [*request.reveal_now, *request.known_so_far]}
    return [f.value for f in scenario.facts if f.id not in allowed]


def max_tokens_for(persona: Persona | None) -> int:
    """A reply-length cap from the persona's verbosity: a safety net, the prompt asks for less."""
    verbosity = persona.speech_style.verbosity if persona is not None else "medium"
    return {"terse": 120, "medium": 200, "verbose": 320}.get(verbosity, 200)
