from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.connection_status import ConnectionStatus
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.basic_auth_value import BasicAuthValue
    from ..models.custom_auth_value import CustomAuthValue
    from ..models.no_auth_value import NoAuthValue
    from ..models.o_auth_2_value import OAuth2Value
    from ..models.secret_text_value import SecretTextValue


T = TypeVar("T", bound="RevealedConnection")


@_attrs_define
class RevealedConnection:
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
        value (BasicAuthValue | CustomAuthValue | NoAuthValue | OAuth2Value | SecretTextValue | Unset): Credentials;
            `type` says which. Keys inside are snake_case.
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
    value: (
        BasicAuthValue
        | CustomAuthValue
        | NoAuthValue
        | OAuth2Value
        | SecretTextValue
        | Unset
    ) = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

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

        value: dict[str, Any] | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        elif isinstance(self.value, SecretTextValue):
            value = self.value.to_dict()
        elif isinstance(self.value, BasicAuthValue):
            value = self.value.to_dict()
        elif isinstance(self.value, OAuth2Value):
            value = self.value.to_dict()
        elif isinstance(self.value, CustomAuthValue):
            value = self.value.to_dict()
        else:
            value = self.value.to_dict()

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
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.no_auth_value import NoAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

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

        def _parse_value(
            data: object,
        ) -> (
            BasicAuthValue
            | CustomAuthValue
            | NoAuthValue
            | OAuth2Value
            | SecretTextValue
            | Unset
        ):
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_connection_value_type_0 = SecretTextValue.from_dict(
                    data
                )

                return componentsschemas_connection_value_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_connection_value_type_1 = BasicAuthValue.from_dict(
                    data
                )

                return componentsschemas_connection_value_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_connection_value_type_2 = OAuth2Value.from_dict(data)

                return componentsschemas_connection_value_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_connection_value_type_3 = CustomAuthValue.from_dict(
                    data
                )

                return componentsschemas_connection_value_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_connection_value_type_4 = NoAuthValue.from_dict(data)

            return componentsschemas_connection_value_type_4

        value = _parse_value(d.pop("value", UNSET))

        revealed_connection = cls(
            id=id,
            piece_name=piece_name,
            display_name=display_name,
            external_id=external_id,
            project_id=project_id,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            last_used_at=last_used_at,
            value=value,
        )

        revealed_connection.additional_properties = d
        return revealed_connection

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
