from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from ..models.action_name import ActionName
from typing import cast

if TYPE_CHECKING:
    from ..models.http_request_input_request import HttpRequestInputRequest


T = TypeVar("T", bound="ExecuteRequest")


@_attrs_define
class ExecuteRequest:
    """Which action of which piece, with which input, and the connection as in resolution.

    Attributes:
        piece_name (str):
        action_name (ActionName):
        input_ (HttpRequestInputRequest): The ``http_request`` action: one request to the piece's API, relative to its
            base URL.
        connection_id (None | str | Unset):
        external_id (None | str | Unset):
        project_id (None | str | Unset):
    """

    piece_name: str
    action_name: ActionName
    input_: HttpRequestInputRequest
    connection_id: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    project_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        piece_name = self.piece_name

        action_name = self.action_name.value

        input_ = self.input_.to_dict()

        connection_id: None | str | Unset
        if isinstance(self.connection_id, Unset):
            connection_id = UNSET
        else:
            connection_id = self.connection_id

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
                "actionName": action_name,
                "input": input_,
            }
        )
        if connection_id is not UNSET:
            field_dict["connectionId"] = connection_id
        if external_id is not UNSET:
            field_dict["externalId"] = external_id
        if project_id is not UNSET:
            field_dict["projectId"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.http_request_input_request import HttpRequestInputRequest  # noqa: PLC0415

        d = dict(src_dict)
        piece_name = d.pop("pieceName")

        action_name = ActionName(d.pop("actionName"))

        input_ = HttpRequestInputRequest.from_dict(d.pop("input"))

        def _parse_connection_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connection_id = _parse_connection_id(d.pop("connectionId", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("externalId", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("projectId", UNSET))

        execute_request = cls(
            piece_name=piece_name,
            action_name=action_name,
            input_=input_,
            connection_id=connection_id,
            external_id=external_id,
            project_id=project_id,
        )

        return execute_request
