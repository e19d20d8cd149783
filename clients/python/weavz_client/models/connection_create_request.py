from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.basic_auth_value import BasicAuthValue
    from ..models.custom_auth_value import CustomAuthValue
    from ..models.no_auth_value import NoAuthValue
    from ..models.o_auth_2_value import OAuth2Value
    from ..models.secret_text_value import SecretTextValue


T = TypeVar("T", bound="ConnectionCreateRequest")


@_attrs_define
class ConnectionCreateRequest:
    """A new connection: the piece, a name, the credentials, and optionally a project and the
    end user it belongs to.

        Attributes:
            piece_name (str): A piece of the catalog.
            display_name (str):
            value (BasicAuthValue | CustomAuthValue | NoAuthValue | OAuth2Value | SecretTextValue): Credentials; `type` says
                which. Keys inside are snake_case.
            project_id (None | str | Unset): A project of the org.
            external_id (None | str | Unset): The end user this connection belongs to; unique per org and piece.
    """

    piece_name: str
    display_name: str
    value: (
        BasicAuthValue | CustomAuthValue | NoAuthValue | OAuth2Value | SecretTextValue
    )
    project_id: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

        piece_name = self.piece_name

        display_name = self.display_name

        value: dict[str, Any]
        if isinstance(self.value, SecretTextValue):
            value = self.value.to_dict()
        elif isinstance(self.value, BasicAuthValue):
            value = self.value.to_dict()
        elif isinstance(self.value, OAuth2Value):
            value = self.value.to_dict()
        elif isinstance(self.value, CustomAuthValue):
            value = self.value.to_dict()
        else:
            value = self.value.to_dict()

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
                "displayName": display_name,
                "value": value,
            }
        )
        if project_id is not UNSET:
            field_dict["projectId"] = project_id
        if external_id is not UNSET:
            field_dict["externalId"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.no_auth_value import NoAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

        d = dict(src_dict)
        piece_name = d.pop("pieceName")

        display_name = d.pop("displayName")

        def _parse_value(
            data: object,
        ) -> (
            BasicAuthValue
            | CustomAuthValue
            | NoAuthValue
            | OAuth2Value
            | SecretTextValue
        ):
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

        value = _parse_value(d.pop("value"))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("projectId", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("externalId", UNSET))

        connection_create_request = cls(
            piece_name=piece_name,
            display_name=display_name,
            value=value,
            project_id=project_id,
            external_id=external_id,
        )

        return connection_create_request
