"""The JSON shapes of the API: the interchange's, declared once.

Requests and responses are jobtrack's own records, commands and reports. The
interchange's :data:`~jobtrack_interchange.converter.converter` reads and writes them
(:class:`Shapes`, a Litestar DTO), and :class:`~jobtrack_interchange.schema.Schemas`
describes them in the OpenAPI document (:class:`ShapeSchemas`, a schema plugin), both
from the same attrs classes and field rules. No shape is written a second time here.
"""

from __future__ import annotations

from collections.abc import Collection, Generator
from typing import Any

import attrs
from litestar import Response
from litestar.dto import AbstractDTO
from litestar.dto.data_structures import DTOFieldDefinition
from litestar.openapi.spec import OpenAPIType, Reference, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from jobtrack_core.commands import Changes
from jobtrack_interchange.converter import loads, structure, unstructure
from jobtrack_interchange.schema import Schemas


def is_shape(value: Any) -> bool:
    """Whether ``value`` is a class the converter reads or writes as a JSON object."""
    return isinstance(value, type) and (attrs.has(value) or issubclass(value, Changes))


class ShapeSchemas(OpenAPISchemaPlugin):
    """Puts a ``$ref`` to the interchange's schema of each shape in the OpenAPI document;
    :attr:`schemas` holds the schemas referred to, for the document's components."""

    def __init__(self) -> None:
        self.schemas = Schemas()

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return is_shape(value)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        # Litestar refers to the shape by name (a placeholder in its registry); the
        # document's components then hold the interchange's schema under that name.
        name = self.schemas.name(field_definition.annotation)
        placeholder: Schema = schema_creator.schema_registry.get_schema_for_field_definition(
            field_definition
        )
        placeholder.title = name
        placeholder.type = OpenAPIType.OBJECT
        return placeholder


class Shapes(AbstractDTO[Any]):
    """Reads request bodies and writes responses with the interchange's converter.

    Bad input raises the converter's :class:`~jobtrack_core.errors.ValidationError`, which
    lists every bad field by its path; the API answers it with a 422 problem.
    """

    model_type = object

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    @classmethod
    def is_supported_model_type_field(cls, field_definition: FieldDefinition) -> bool:
        return is_shape(field_definition.annotation) or any(
            is_shape(inner.annotation) for inner in field_definition.inner_types
        )

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        cls._dto_backends.setdefault(handler_id, {})
        key = "data_backend" if field_definition.name == "data" else "return_backend"
        cls._dto_backends[handler_id][key] = field_definition  # type: ignore[literal-required]

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        annotation = field_definition.annotation
        if field_definition.is_subclass_of(Response) and field_definition.args:
            annotation = field_definition.args[0]
        plain = FieldDefinition.from_annotation(annotation)
        made: Reference | Schema = schema_creator.for_field_definition(plain)
        return made

    def _declared(self, key: str) -> FieldDefinition:
        handler_id = self.asgi_connection.route_handler.handler_id
        found: FieldDefinition = self._dto_backends[handler_id][key]  # type: ignore[literal-required]
        return found

    def decode_bytes(self, value: bytes) -> Any:
        return structure(loads(value) if value else None, self._declared("data_backend").annotation)

    def decode_builtins(self, value: dict[str, Any]) -> Any:
        return structure(value, self._declared("data_backend").annotation)

    def data_to_encodable_type(self, data: Any | Collection[Any]) -> Any:
        if isinstance(data, Response):
            data.content = unstructure(data.content)
            return data
        return unstructure(data)
