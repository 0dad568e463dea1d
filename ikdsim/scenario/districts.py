"""A district of `population.districts`: its share of the city and, where known, its starting share;
and `population.district_map`, the districts' boundaries for the report's map.

`north: 0.6` stays valid and means `north: {share: 0.6}`; the long form adds what a city knows
per district, the share already activated on horizon.start (from its own SIAK counts).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import (
    Field,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue

from ikdsim.scenario.base import Name, Share, _Model


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


# A position is (longitude, latitude) in degrees, as GeoJSON writes it (RFC 7946); a polygon is
# its outer ring then its holes, each ring closed (first position = last).
Position = tuple[float, float]
Polygon = list[list[Position]]


class DistrictShapes(_Model):
    """What `geojson` becomes once its file is read (scenario.resolved.yaml writes it, not you).

    Scenario files write the path. Read once and kept in the scenario (as a calibrated scenario keeps its draws), so the
    resolved scenario of a result folder still draws its map when the file is elsewhere.
    """

    file: str = Field(description="The GeoJSON file the shapes were read from (its name).")
    schematic: bool = Field(
        default=False, description="The file marks its boundaries as schematic (a feature property schematic: true)."
    )
    shapes: dict[Name, list[Polygon]] = Field(
        description="Each district's polygons: rings of (longitude, latitude) positions (degrees)."
    )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # What a scenario file writes is the path; the shapes are what loading makes of it.
        return {"anyOf": [{"type": "string"}, handler(core_schema)]}


class DistrictMap(_Model):
    geojson: DistrictShapes = Field(
        description="Path to a GeoJSON file of the district boundaries (a FeatureCollection of Polygon or "
        "MultiPolygon features), relative to the scenario file that names it (a bare name not found there "
        "may be a file shipped with the bundled scenarios); read when that file is loaded, and replaced by "
        "the mapping below.",
    )
    name_property: str = Field(
        default="name", min_length=1, description="The feature property that holds the district's name."
    )
    source: str = Field(default="", description="Where the boundaries come from (shown under the map).")

    @field_validator("geojson", mode="before")
    @classmethod
    def _read_by_the_loader(cls, value: Any) -> Any:
        # A path is replaced by the shapes when the file that names it is read; one that reaches
        # validation came from --set or code, which have no scenario file to be relative to.
        if isinstance(value, str):
            raise ValueError(
                f"{value!r}: a GeoJSON path is read when the scenario file that names it is loaded; "
                "name it in the scenario file (--set cannot)"
            )
        return value

    def check_names(self, districts: list[str]) -> None:
        """One feature (or group of features) per district, no more: a district without a shape
        would be missing from the map, a shape without a district would be coloured by nothing.
        The ValueError names `district_map.geojson`, relative to `population`."""
        shapes, prop = self.geojson, self.name_property
        if missing := sorted(set(districts) - set(shapes.shapes)):
            raise ValueError(
                f"district_map.geojson: {shapes.file} has no feature whose {prop!r} is {', '.join(missing)}; "
                f"its features name {', '.join(sorted(shapes.shapes))}"
            )
        if extra := sorted(set(shapes.shapes) - set(districts)):
            raise ValueError(
                f"district_map.geojson: {shapes.file} has features for {', '.join(extra)}, which are not districts "
                f"of this scenario (population.districts: {', '.join(districts)})"
            )
