from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="PatchedOAuthAppUpdateRequest")


@_attrs_define
class PatchedOAuthAppUpdateRequest:
    """Any of the fields; absent ones are left as they are.

    Attributes:
        client_id (str | Unset):
        client_secret (str | Unset): Stored encrypted; never returned.
        scopes (list[str] | Unset): The OAuth scopes to ask for (default: the piece's).
    """

    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    scopes: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        client_secret = self.client_secret

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if client_id is not UNSET:
            field_dict["clientId"] = client_id
        if client_secret is not UNSET:
            field_dict["clientSecret"] = client_secret
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("clientId", UNSET)

        client_secret = d.pop("clientSecret", UNSET)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        patched_o_auth_app_update_request = cls(
            client_id=client_id,
            client_secret=client_secret,
            scopes=scopes,
        )

        return patched_o_auth_app_update_request
