"""Shared pydantic bases and constrained types for authored content."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$"),
    Field(description="Lower-case id: letters, digits, '-' and '_', 2-64 characters."),
]
Unit = Annotated[float, Field(ge=0.0, le=1.0, description="A number from 0.0 to 1.0.")]
Delta = Annotated[float, Field(ge=-1.0, le=1.0, description="A change from -1.0 to +1.0.")]
NonEmptyStr = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class ContentModel(BaseModel):
    """Base for every authored model: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)
