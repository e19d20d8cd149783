from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="OAuthAppCreateRequest")


@_attrs_define
class OAuthAppCreateRequest:
    """The organization's OAuth client for one piece.

    Attributes:
        piece_name (str): An OAUTH2 piece of the catalog.
        client_id (str):
        client_secret (str): Stored encrypted; never returned.
        scopes (list[str] | Unset): The OAuth scopes to ask for (default: the piece's).
    """

    piece_name: str
    client_id: str
    client_secret: str
    scopes: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        piece_name = self.piece_name

        client_id = self.client_id

        client_secret = self.client_secret

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
                "clientId": client_id,
                "clientSecret": client_secret,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        piece_name = d.pop("pieceName")

        client_id = d.pop("clientId")

        client_secret = d.pop("clientSecret")

        scopes = cast(list[str], d.pop("scopes", UNSET))

        o_auth_app_create_request = cls(
            piece_name=piece_name,
            client_id=client_id,
            client_secret=client_secret,
            scopes=scopes,
        )

        return o_auth_app_create_request
