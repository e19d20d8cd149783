from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from ..models.connect_session_status import ConnectSessionStatus
from typing import cast
import datetime


T = TypeVar("T", bound="ConnectSession")


@_attrs_define
class ConnectSession:
    """
    Attributes:
        id (str):
        status (ConnectSessionStatus):
        piece_name (str):
        external_id (str):
        project_id (None | str):
        connection_id (None | str): Once COMPLETED: the connection.
        error (None | str): Why it FAILED.
        expires_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
        completed_at (datetime.datetime | None):  Example: 2025-01-15T10:30:00Z.
    """

    id: str
    status: ConnectSessionStatus
    piece_name: str
    external_id: str
    project_id: None | str
    connection_id: None | str
    error: None | str
    expires_at: datetime.datetime
    completed_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        piece_name = self.piece_name

        external_id = self.external_id

        project_id: None | str
        project_id = self.project_id

        connection_id: None | str
        connection_id = self.connection_id

        error: None | str
        error = self.error

        expires_at = self.expires_at.isoformat()

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "pieceName": piece_name,
                "externalId": external_id,
                "projectId": project_id,
                "connectionId": connection_id,
                "error": error,
                "expiresAt": expires_at,
                "completedAt": completed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = ConnectSessionStatus(d.pop("status"))

        piece_name = d.pop("pieceName")

        external_id = d.pop("externalId")

        def _parse_project_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        project_id = _parse_project_id(d.pop("projectId"))

        def _parse_connection_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        connection_id = _parse_connection_id(d.pop("connectionId"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completedAt"))

        connect_session = cls(
            id=id,
            status=status,
            piece_name=piece_name,
            external_id=external_id,
            project_id=project_id,
            connection_id=connection_id,
            error=error,
            expires_at=expires_at,
            completed_at=completed_at,
        )

        connect_session.additional_properties = d
        return connect_session

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
