from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from ..models.token_auth_method_enum import TokenAuthMethodEnum
from typing import cast


T = TypeVar("T", bound="OAuth2Settings")


@_attrs_define
class OAuth2Settings:
    """
    Attributes:
        authorize_url (str):
        token_url (str):
        scopes (list[str]):
        pkce (bool):
        token_auth_method (TokenAuthMethodEnum):
    """

    authorize_url: str
    token_url: str
    scopes: list[str]
    pkce: bool
    token_auth_method: TokenAuthMethodEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        authorize_url = self.authorize_url

        token_url = self.token_url

        scopes = self.scopes

        pkce = self.pkce

        token_auth_method = self.token_auth_method.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "authorizeUrl": authorize_url,
                "tokenUrl": token_url,
                "scopes": scopes,
                "pkce": pkce,
                "tokenAuthMethod": token_auth_method,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        authorize_url = d.pop("authorizeUrl")

        token_url = d.pop("tokenUrl")

        scopes = cast(list[str], d.pop("scopes"))

        pkce = d.pop("pkce")

        token_auth_method = TokenAuthMethodEnum(d.pop("tokenAuthMethod"))

        o_auth_2_settings = cls(
            authorize_url=authorize_url,
            token_url=token_url,
            scopes=scopes,
            pkce=pkce,
            token_auth_method=token_auth_method,
        )

        o_auth_2_settings.additional_properties = d
        return o_auth_2_settings

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
