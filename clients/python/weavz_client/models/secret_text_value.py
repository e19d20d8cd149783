from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define


from ..models.secret_text_value_type import SecretTextValueType


T = TypeVar("T", bound="SecretTextValue")


@_attrs_define
class SecretTextValue:
    """A SECRET_TEXT value.

    Attributes:
        type_ (SecretTextValueType):
        secret_text (str):
    """

    type_: SecretTextValueType
    secret_text: str

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        secret_text = self.secret_text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "secret_text": secret_text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = SecretTextValueType(d.pop("type"))

        secret_text = d.pop("secret_text")

        secret_text_value = cls(
            type_=type_,
            secret_text=secret_text,
        )

        return secret_text_value
