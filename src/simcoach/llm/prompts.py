"""Customer prompts from jinja2 templates: only what the engine allows this turn goes in."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from simcoach.content.persona import Persona
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


def _variables(request: RenderRequest) -> dict[str, object]:
    persona, scenario = request.persona, request.scenario
    history = request.recent_turns
    if history and history[-1].role == "agent" and history[-1].text == request.agent_text:
        history = history[:-1]  # the latest agent message is shown on its own, fenced
    return {
        "name": request.customer_name,
        "persona": persona,
        "issue": scenario.primary_issue,
        "unknowns": scenario.unknowns,
        "state_in_words": request.state_in_words,
        "band": request.band.value,
        "intent": request.intent.value,
        "known": request.known_so_far,
        "reveal_now": request.reveal_now,
        "verbosity": persona.speech_style.verbosity,
        "hostility": persona.hostility_ceiling.value,
        "history": history,
        "agent_text": _unfenced(request.agent_text.strip()),
    }


def _unfenced(text: str) -> str:
    """The agent's text with our fence tags defused, so it cannot close the fence and speak as us."""
    return re.sub(r"<\s*(/?)\s*agent_message\s*>", r"[\1agent message]", text, flags=re.IGNORECASE)


def customer_messages(request: RenderRequest) -> list[ChatMessage]:
    """System and user messages for one customer reply, from the session's own persona and scenario."""
    env = environment()
    variables = _variables(request)
    system = env.get_template("customer_system.j2").render(variables).strip()
    user = env.get_template("customer_turn.j2").render(variables).strip()
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def allowed_text(request: RenderRequest) -> str:
    """Everything the customer may legitimately repeat: the prompt's own content and the conversation."""
    parts = [request.customer_name, request.agent_text, *(t.text for t in request.recent_turns)]
    parts += [f.value for f in [*request.reveal_now, *request.known_so_far]]
    parts += [f.line for f in request.reveal_now]
    parts += [request.persona.background, request.scenario.primary_issue]
    return "\n".join(parts)


def hidden_values(request: RenderRequest) -> list[str]:
    """Values of the scenario's facts the engine has not allowed yet (never in the prompt)."""
    allowed = {f.id for f in [*request.reveal_now, *request.known_so_far]}
    return [f.value for f in request.scenario.facts if f.id not in allowed]


def max_tokens_for(persona: Persona) -> int:
    """A reply-length cap from the persona's verbosity: a safety net, the prompt asks for less."""
    return {"terse": 120, "medium": 200, "verbose": 320}.get(persona.speech_style.verbosity, 200)
