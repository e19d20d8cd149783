from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from typing import cast
import datetime


T = TypeVar("T", bound="OAuthApp")


@_attrs_define
class OAuthApp:
    """
    Attributes:
        id (str):
        piece_name (str):
        client_id (str):
        scopes (list[str]):
        redirect_uri (str): This service's callback, to register with the provider.
        created_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
        updated_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
    """

    id: str
    piece_name: str
    client_id: str
    scopes: list[str]
    redirect_uri: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        piece_name = self.piece_name

        client_id = self.client_id

        scopes = self.scopes

        redirect_uri = self.redirect_uri

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "pieceName": piece_name,
                "clientId": client_id,
                "scopes": scopes,
                "redirectUri": redirect_uri,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        piece_name = d.pop("pieceName")

        client_id = d.pop("clientId")

        scopes = cast(list[str], d.pop("scopes"))

        redirect_uri = d.pop("redirectUri")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        o_auth_app = cls(
            id=id,
            piece_name=piece_name,
            client_id=client_id,
            scopes=scopes,
            redirect_uri=redirect_uri,
            created_at=created_at,
            updated_at=updated_at,
        )

        o_auth_app.additional_properties = d
        return o_auth_app

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
