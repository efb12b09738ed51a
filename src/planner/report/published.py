"""The JSON Schema published for a JSON output (`planner schema NAME`), from its pydantic model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def published_schema(
    model: type[BaseModel],
    schema_id: str,
    title: str,
    mode: Literal["validation", "serialization"] = "validation",
) -> dict[str, Any]:
    """The model's schema (draft 2020-12) with the output's `$id` and `title`."""
    return {
        **model.model_json_schema(mode=mode),
        "$schema": DRAFT,
        "$id": schema_id,
        "title": title,
    }
