from typing import Any

from rest_framework import serializers


class StrictSerializer(serializers.Serializer[Any]):
    """Rejects keys it does not declare, so a typo (``displayname``) is an error, not a no-op."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """The request body checked by ``serializer_class``; a VALIDATION_ERROR otherwise."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    clean: dict[str, Any] = serializer.validated_data
    return clean
