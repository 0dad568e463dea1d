"""A district of `population.districts`: its share of the city and, where known, its starting share.

`north: 0.6` stays valid and means `north: {share: 0.6}`; the long form adds what a city knows
per district, the share already activated on horizon.start (from its own SIAK counts).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, GetJsonSchemaHandler, SerializerFunctionWrapHandler, model_serializer, model_validator
from pydantic.json_schema import JsonSchemaValue

from ikdsim.scenario.base import Share, _Model


class District(_Model):
    # The field a plain value stands for: what a sweep or --set of population.districts.<name> sets.
    SHORT_FORM: ClassVar[str] = "share"

    share: Share = Field(description="Share of the city's population living in the district (fraction).")
    initial_activated_share: Share | None = Field(
        default=None,
        description="Share of the district's wajib-KTP people with IKD activated on horizon.start, where the "
        "city knows it (fraction); the others share the rest of population.initial_activated.",
    )
    source: str = Field(default="", description="Where the starting share comes from.")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        # Anything but a mapping is the short form; the number checks of _Model then apply to it.
        return data if isinstance(data, dict) else {cls.SHORT_FORM: data}

    @model_serializer(mode="wrap")
    def _dump_short(self, handler: SerializerFunctionWrapHandler) -> Any:
        # The short form stays short, so resolved scenarios and their hashes are unchanged.
        if self.initial_activated_share is None and not self.source:
            return self.share
        return handler(self)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        full = handler(core_schema)
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, full]}
