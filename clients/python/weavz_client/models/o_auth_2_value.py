from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from ..models.o_auth_2_value_type import OAuth2ValueType
import datetime

if TYPE_CHECKING:
    from ..models.o_auth_2_value_data import OAuth2ValueData


T = TypeVar("T", bound="OAuth2Value")


@_attrs_define
class OAuth2Value:
    """A OAUTH2 value.

    Attributes:
        type_ (OAuth2ValueType):
        access_token (str):
        refresh_token (str | Unset):
        token_type (str | Unset):
        scope (str | Unset):
        client_id (str | Unset):
        client_secret (str | Unset):
        token_url (str | Unset):
        expires_in (int | Unset):
        expires_at (datetime.datetime | Unset):
        data (OAuth2ValueData | Unset):
    """

    type_: OAuth2ValueType
    access_token: str
    refresh_token: str | Unset = UNSET
    token_type: str | Unset = UNSET
    scope: str | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    token_url: str | Unset = UNSET
    expires_in: int | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    data: OAuth2ValueData | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        access_token = self.access_token

        refresh_token = self.refresh_token

        token_type = self.token_type

        scope = self.scope

        client_id = self.client_id

        client_secret = self.client_secret

        token_url = self.token_url

        expires_in = self.expires_in

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "access_token": access_token,
            }
        )
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if scope is not UNSET:
            field_dict["scope"] = scope
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if token_url is not UNSET:
            field_dict["token_url"] = token_url
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_auth_2_value_data import OAuth2ValueData  # noqa: PLC0415

        d = dict(src_dict)
        type_ = OAuth2ValueType(d.pop("type"))

        access_token = d.pop("access_token")

        refresh_token = d.pop("refresh_token", UNSET)

        token_type = d.pop("token_type", UNSET)

        scope = d.pop("scope", UNSET)

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        token_url = d.pop("token_url", UNSET)

        expires_in = d.pop("expires_in", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        _data = d.pop("data", UNSET)
        data: OAuth2ValueData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = OAuth2ValueData.from_dict(_data)

        o_auth_2_value = cls(
            type_=type_,
            access_token=access_token,
            refresh_token=refresh_token,
            token_type=token_type,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            expires_in=expires_in,
            expires_at=expires_at,
            data=data,
        )

        return o_auth_2_value
