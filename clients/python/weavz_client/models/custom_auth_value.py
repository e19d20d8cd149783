from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define


from ..models.custom_auth_value_type import CustomAuthValueType

if TYPE_CHECKING:
    from ..models.custom_auth_value_props import CustomAuthValueProps


T = TypeVar("T", bound="CustomAuthValue")


@_attrs_define
class CustomAuthValue:
    """A CUSTOM_AUTH value.

    Attributes:
        type_ (CustomAuthValueType):
        props (CustomAuthValueProps):
    """

    type_: CustomAuthValueType
    props: CustomAuthValueProps

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        props = self.props.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "props": props,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_auth_value_props import CustomAuthValueProps  # noqa: PLC0415

        d = dict(src_dict)
        type_ = CustomAuthValueType(d.pop("type"))

        props = CustomAuthValueProps.from_dict(d.pop("props"))

        custom_auth_value = cls(
            type_=type_,
            props=props,
        )

        return custom_auth_value
