from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define


from ..models.no_auth_value_type import NoAuthValueType


T = TypeVar("T", bound="NoAuthValue")


@_attrs_define
class NoAuthValue:
    """A NO_AUTH value.

    Attributes:
        type_ (NoAuthValueType):
    """

    type_: NoAuthValueType

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = NoAuthValueType(d.pop("type"))

        no_auth_value = cls(
            type_=type_,
        )

        return no_auth_value
