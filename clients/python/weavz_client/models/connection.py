from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from ..models.connection_status import ConnectionStatus
from typing import cast
import datetime


T = TypeVar("T", bound="Connection")


@_attrs_define
class Connection:
    """
    Attributes:
        id (str):
        piece_name (str):
        display_name (str):
        external_id (None | str):
        project_id (None | str):
        status (ConnectionStatus):
        created_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
        updated_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
        last_used_at (datetime.datetime | None): When a call last used it (updated at most once a minute). Example:
            2025-01-15T10:30:00Z.
    """

    id: str
    piece_name: str
    display_name: str
    external_id: None | str
    project_id: None | str
    status: ConnectionStatus
    created_at: datetime.datetime
    updated_at: datetime.datetime
    last_used_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        piece_name = self.piece_name

        display_name = self.display_name

        external_id: None | str
        external_id = self.external_id

        project_id: None | str
        project_id = self.project_id

        status = self.status.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "pieceName": piece_name,
                "displayName": display_name,
                "externalId": external_id,
                "projectId": project_id,
                "status": status,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "lastUsedAt": last_used_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        piece_name = d.pop("pieceName")

        display_name = d.pop("displayName")

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("externalId"))

        def _parse_project_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        project_id = _parse_project_id(d.pop("projectId"))

        status = ConnectionStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_last_used_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used_at = _parse_last_used_at(d.pop("lastUsedAt"))

        connection = cls(
            id=id,
            piece_name=piece_name,
            display_name=display_name,
            external_id=external_id,
            project_id=project_id,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            last_used_at=last_used_at,
        )

        connection.additional_properties = d
        return connection

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
