from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="ConnectSessionCreateRequest")


@_attrs_define
class ConnectSessionCreateRequest:
    """Which end user connects which piece (in which project), and where their browser goes
    afterwards.

        Attributes:
            piece_name (str): A piece of the catalog.
            external_id (str): The end user the connection will belong to.
            project_id (None | str | Unset): A project of the org.
            connection_id (None | str | Unset): Reconnect: this end user's connection keeps its id.
            display_name (None | str | Unset):
            success_redirect_uri (None | str | Unset): One of the org's allowed redirect URIs.
            error_redirect_uri (None | str | Unset): One of the org's allowed redirect URIs.
            ttl_seconds (int | Unset):  Default: 1800.
    """

    piece_name: str
    external_id: str
    project_id: None | str | Unset = UNSET
    connection_id: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    success_redirect_uri: None | str | Unset = UNSET
    error_redirect_uri: None | str | Unset = UNSET
    ttl_seconds: int | Unset = 1800

    def to_dict(self) -> dict[str, Any]:
        piece_name = self.piece_name

        external_id = self.external_id

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

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        success_redirect_uri: None | str | Unset
        if isinstance(self.success_redirect_uri, Unset):
            success_redirect_uri = UNSET
        else:
            success_redirect_uri = self.success_redirect_uri

        error_redirect_uri: None | str | Unset
        if isinstance(self.error_redirect_uri, Unset):
            error_redirect_uri = UNSET
        else:
            error_redirect_uri = self.error_redirect_uri

        ttl_seconds = self.ttl_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pieceName": piece_name,
                "externalId": external_id,
            }
        )
        if project_id is not UNSET:
            field_dict["projectId"] = project_id
        if connection_id is not UNSET:
            field_dict["connectionId"] = connection_id
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if success_redirect_uri is not UNSET:
            field_dict["successRedirectUri"] = success_redirect_uri
        if error_redirect_uri is not UNSET:
            field_dict["errorRedirectUri"] = error_redirect_uri
        if ttl_seconds is not UNSET:
            field_dict["ttlSeconds"] = ttl_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        piece_name = d.pop("pieceName")

        external_id = d.pop("externalId")

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

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("displayName", UNSET))

        def _parse_success_redirect_uri(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        success_redirect_uri = _parse_success_redirect_uri(
            d.pop("successRedirectUri", UNSET)
        )

        def _parse_error_redirect_uri(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_redirect_uri = _parse_error_redirect_uri(d.pop("errorRedirectUri", UNSET))

        ttl_seconds = d.pop("ttlSeconds", UNSET)

        connect_session_create_request = cls(
            piece_name=piece_name,
            external_id=external_id,
            project_id=project_id,
            connection_id=connection_id,
            display_name=display_name,
            success_redirect_uri=success_redirect_uri,
            error_redirect_uri=error_redirect_uri,
            ttl_seconds=ttl_seconds,
        )

        return connect_session_create_request
