from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field


if TYPE_CHECKING:
    from ..models.output_headers import OutputHeaders


T = TypeVar("T", bound="Output")


@_attrs_define
class Output:
    """
    Attributes:
        status (int):
        headers (OutputHeaders):
        body (Any): Parsed JSON when the upstream sent JSON, else text.
    """

    status: int
    headers: OutputHeaders
    body: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        headers = self.headers.to_dict()

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "headers": headers,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.output_headers import OutputHeaders  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        headers = OutputHeaders.from_dict(d.pop("headers"))

        body = d.pop("body")

        output = cls(
            status=status,
            headers=headers,
            body=body,
        )

        output.additional_properties = d
        return output

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
