"""Legal references and the dated validity every rule, parameter and eligibility version carries."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StrictModel(BaseModel):
    """Base of every input model: unknown keys are an error, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(StrictModel):
    vi: str = Field(description="Vietnamese text (the default report language)")
    en: str = Field(description="English text")

    def in_lang(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Reference(StrictModel):
    title: str = Field(min_length=1, description="Document, e.g. 'Nghị định 171/2025/NĐ-CP'")
    article: str = Field(default="", description="Article/clause, e.g. 'Điều 8 khoản 3'")
    href: str = Field(default="", description="Address of the text; empty where not known")

    def cite(self) -> str:
        return f"{self.title}, {self.article}" if self.article else self.title


class Dated(StrictModel):
    """A version valid from `effective_from` up to and including `effective_to` (open if None)."""

    effective_from: dt.date
    effective_to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(
                f"effective_to {self.effective_to} is before effective_from {self.effective_from}"
            )
        return self

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def overlaps(self, other: Dated) -> bool:
        end_a = self.effective_to or dt.date.max
        end_b = other.effective_to or dt.date.max
        return self.effective_from <= end_b and other.effective_from <= end_a
