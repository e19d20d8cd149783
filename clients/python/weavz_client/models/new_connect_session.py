from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from ..models.connect_session_status import ConnectSessionStatus
import datetime


T = TypeVar("T", bound="NewConnectSession")


@_attrs_define
class NewConnectSession:
    """
    Attributes:
        id (str):
        token (str): Shown once; only its hash is stored.
        connect_url (str): The hosted page to send the end user to.
        status (ConnectSessionStatus):
        expires_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
    """

    id: str
    token: str
    connect_url: str
    status: ConnectSessionStatus
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        token = self.token

        connect_url = self.connect_url

        status = self.status.value

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "token": token,
                "connectUrl": connect_url,
                "status": status,
                "expiresAt": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        token = d.pop("token")

        connect_url = d.pop("connectUrl")

        status = ConnectSessionStatus(d.pop("status"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        new_connect_session = cls(
            id=id,
            token=token,
            connect_url=connect_url,
            status=status,
            expires_at=expires_at,
        )

        new_connect_session.additional_properties = d
        return new_connect_session

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
