"""Build the customer renderer and the turn scorer from settings; the composition roots call these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simcoach.settings import Settings

if TYPE_CHECKING:
    from simcoach.providers.openai_compat import OpenAICompatProvider
    from simcoach.scoring.backend import TurnScorer
    from simcoach.sim.models import Renderer

_PROVIDERS: dict[tuple[object, ...], OpenAICompatProvider] = {}


def shared_provider(settings: Settings) -> OpenAICompatProvider:
    """One provider per endpoint per process, so customer and judge share one concurrency cap."""
    from simcoach.providers.openai_compat import OpenAICompatProvider, ProviderConfig

    config = ProviderConfig.from_settings(settings)
    key = config.cache_key()
    provider = _PROVIDERS.get(key)
    if provider is None:
        provider = OpenAICompatProvider(config)
        _PROVIDERS[key] = provider
    return provider


def customer_model(settings: Settings) -> str:
    """The model that plays the customer."""
    return settings.llm_customer_model or settings.llm_model


def judge_model(settings: Settings) -> str:
    """The model that judges agent turns."""
    return settings.llm_judge_model or settings.llm_model


def renderer_from_settings(settings: Settings) -> Renderer | None:
    """The LLM customer renderer, or None (scripted customer) when no key and no base URL are set.

    The renderer words each reply from the persona and scenario in the render request: the session's
    own stored versions, so a content reload never changes an old session's customer.
    """
    if not settings.llm_enabled:
        return None
    from simcoach.llm.renderer import LLMRenderer

    return LLMRenderer(
        shared_provider(settings),
        model=customer_model(settings),
        temperature=settings.llm_temperature,
        # A whole reply may take a few reads' worth of the per-request timeout, never forever.
        reply_deadline_s=2 * settings.llm_timeout_s,
    )


def scorer_from_settings(settings: Settings) -> TurnScorer:
    """Offline scorer unless ``scorer_backend`` is llm/hybrid and an endpoint is configured."""
    return scorer_for_backend(settings, settings.scorer_backend)


def scorer_for_backend(settings: Settings, backend: str) -> TurnScorer:
    """A scorer for an explicit backend name ('offline', 'llm', 'hybrid'); offline without an endpoint."""
    from simcoach.scoring.offline import OfflineScorer

    offline = OfflineScorer()
    if backend == "offline" or not settings.llm_enabled:
        return offline
    from simcoach.llm.judge import LLMJudge

    judge = LLMJudge(
        shared_provider(settings),
        model=judge_model(settings),
        fallback=offline,
        max_attempts=2,
    )
    if backend == "llm":
        return judge
    if backend == "hybrid":
        from simcoach.llm.hybrid import HybridScorer

        return HybridScorer(offline=offline, judge=judge)
    raise ValueError(f"unknown scorer backend {backend!r}; use offline, llm or hybrid")


def describe_backends(settings: Settings) -> dict[str, str]:
    """Which customer and scorer serve, in words the API and CLI show, e.g. {'customer': 'scripted'}."""
    if not settings.llm_enabled:
        return {"customer": "scripted", "scorer": "offline"}
    scorer = "offline"
    if settings.scorer_backend == "llm":
        scorer = f"llm:{judge_model(settings)}"
    elif settings.scorer_backend == "hybrid":
        scorer = f"hybrid:{judge_model(settings)}"
    return {"customer": f"llm:{customer_model(settings)}", "scorer": scorer}
