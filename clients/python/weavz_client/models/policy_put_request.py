from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from ..models.policy_type import PolicyType
from typing import cast


T = TypeVar("T", bound="PolicyPutRequest")


@_attrs_define
class PolicyPutRequest:
    """The policy for one piece in one project (or the whole organization).

    Attributes:
        piece_name (str):
        type_ (PolicyType):
        project_id (None | str | Unset): The project; null (or absent) for the whole organization.
        connection_id (None | str | Unset): Required except for USER_REQUIRED (which takes none).
    """

    piece_name: str
    type_: PolicyType
    project_id: None | str | Unset = UNSET
    connection_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        piece_name = self.piece_name

        type_ = self.type_.value

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        connection_id: None | str | Unset
        if isinstance(self.connection_id, Unset):
            connection_id = UNSET
        else:
            connection_id = self.connection_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
                "type": type_,
            }
        )
        if project_id is not UNSET:
            field_dict["projectId"] = project_id
        if connection_id is not UNSET:
            field_dict["connectionId"] = connection_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        piece_name = d.pop("pieceName")

        type_ = PolicyType(d.pop("type"))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("projectId", UNSET))

        def _parse_connection_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connection_id = _parse_connection_id(d.pop("connectionId", UNSET))

        policy_put_request = cls(
            piece_name=piece_name,
            type_=type_,
            project_id=project_id,
            connection_id=connection_id,
        )

        return policy_put_request
