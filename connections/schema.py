"""OpenAPI: the credential value as one schema per ``type`` (a drf-spectacular hook).

``ConnectionValue`` is ``oneOf`` the value types with ``type`` as discriminator, each generated
from the table ``connections.values`` validates with, so requests and reveals are typed exactly.
"""

from typing import Any

from connections.values import VALUE_COMPONENTS, value_schemas


def add_value_components(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: adds ``ConnectionValue`` and its variants."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(value_schemas())
    schemas["ConnectionValue"] = {
        "description": "Credentials; `type` says which. Keys inside are snake_case.",
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in VALUE_COMPONENTS.values()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                value_type: f"#/components/schemas/{name}"
                for value_type, name in VALUE_COMPONENTS.items()
            },
        },
    }
    return result
