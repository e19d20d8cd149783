from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from ..models.connection_status import ConnectionStatus

if TYPE_CHECKING:
    from ..models.basic_auth_value import BasicAuthValue
    from ..models.custom_auth_value import CustomAuthValue
    from ..models.no_auth_value import NoAuthValue
    from ..models.o_auth_2_value import OAuth2Value
    from ..models.secret_text_value import SecretTextValue


T = TypeVar("T", bound="PatchedConnectionUpdateRequest")


@_attrs_define
class PatchedConnectionUpdateRequest:
    """Any of the fields; absent ones are left as they are.

    Attributes:
        display_name (str | Unset):
        value (BasicAuthValue | CustomAuthValue | NoAuthValue | OAuth2Value | SecretTextValue | Unset): Credentials;
            `type` says which. Keys inside are snake_case.
        status (ConnectionStatus | Unset):
    """

    display_name: str | Unset = UNSET
    value: (
        BasicAuthValue
        | CustomAuthValue
        | NoAuthValue
        | OAuth2Value
        | SecretTextValue
        | Unset
    ) = UNSET
    status: ConnectionStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

        display_name = self.display_name

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

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if value is not UNSET:
            field_dict["value"] = value
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.basic_auth_value import BasicAuthValue  # noqa: PLC0415
        from ..models.custom_auth_value import CustomAuthValue  # noqa: PLC0415
        from ..models.no_auth_value import NoAuthValue  # noqa: PLC0415
        from ..models.o_auth_2_value import OAuth2Value  # noqa: PLC0415
        from ..models.secret_text_value import SecretTextValue  # noqa: PLC0415

        d = dict(src_dict)
        display_name = d.pop("displayName", UNSET)

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

        _status = d.pop("status", UNSET)
        status: ConnectionStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ConnectionStatus(_status)

        patched_connection_update_request = cls(
            display_name=display_name,
            value=value,
            status=status,
        )

        return patched_connection_update_request
