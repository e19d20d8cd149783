from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="ResolveRequest")


@_attrs_define
class ResolveRequest:
    """The question: which connection would an action of this piece use?

    Attributes:
        piece_name (str):
        project_id (None | str | Unset): The project the action runs in.
        external_id (None | str | Unset): The end user the action runs for.
        connection_id (None | str | Unset): A connection the caller asks for by id.
    """

    piece_name: str
    project_id: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    connection_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        piece_name = self.piece_name

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

        connection_id: None | str | Unset
        if isinstance(self.connection_id, Unset):
            connection_id = UNSET
        else:
            connection_id = self.connection_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
            }
        )
        if project_id is not UNSET:
            field_dict["projectId"] = project_id
        if external_id is not UNSET:
            field_dict["externalId"] = external_id
        if connection_id is not UNSET:
            field_dict["connectionId"] = connection_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        piece_name = d.pop("pieceName")

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

        def _parse_connection_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connection_id = _parse_connection_id(d.pop("connectionId", UNSET))

        resolve_request = cls(
            piece_name=piece_name,
            project_id=project_id,
            external_id=external_id,
            connection_id=connection_id,
        )

        return resolve_request
