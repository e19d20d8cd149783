from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field


if TYPE_CHECKING:
    from ..models.output import Output


T = TypeVar("T", bound="Execution")


@_attrs_define
class Execution:
    """
    Attributes:
        success (bool): Whether the upstream answered 2xx.
        output (Output):
        duration_ms (int):
        connection_id (str):
    """

    success: bool
    output: Output
    duration_ms: int
    connection_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        output = self.output.to_dict()

        duration_ms = self.duration_ms

        connection_id = self.connection_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "output": output,
                "durationMs": duration_ms,
                "connectionId": connection_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.output import Output  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        output = Output.from_dict(d.pop("output"))

        duration_ms = d.pop("durationMs")

        connection_id = d.pop("connectionId")

        execution = cls(
            success=success,
            output=output,
            duration_ms=duration_ms,
            connection_id=connection_id,
        )

        execution.additional_properties = d
        return execution

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
