from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

from ..models.http_method import HttpMethod

if TYPE_CHECKING:
    from ..models.http_request_input_request_headers import (
        HttpRequestInputRequestHeaders,
    )
    from ..models.http_request_input_request_query import HttpRequestInputRequestQuery


T = TypeVar("T", bound="HttpRequestInputRequest")


@_attrs_define
class HttpRequestInputRequest:
    """The ``http_request`` action: one request to the piece's API, relative to its base URL.

    Attributes:
        method (HttpMethod):
        path (str): Relative to the piece's base URL; a URL, a scheme or `..` is refused.
        query (HttpRequestInputRequestQuery | Unset):
        headers (HttpRequestInputRequestHeaders | Unset): Authorization, Cookie, Host, Proxy-* and hop-by-hop refused.
        body (Any | Unset): A string is sent as it is; anything else as JSON (application/json); absent or null: no
            body.
    """

    method: HttpMethod
    path: str
    query: HttpRequestInputRequestQuery | Unset = UNSET
    headers: HttpRequestInputRequestHeaders | Unset = UNSET
    body: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        path = self.path

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        body = self.body

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
                "path": path,
            }
        )
        if query is not UNSET:
            field_dict["query"] = query
        if headers is not UNSET:
            field_dict["headers"] = headers
        if body is not UNSET:
            field_dict["body"] = body

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.http_request_input_request_headers import (
            HttpRequestInputRequestHeaders,
        )  # noqa: PLC0415
        from ..models.http_request_input_request_query import (
            HttpRequestInputRequestQuery,
        )  # noqa: PLC0415

        d = dict(src_dict)
        method = HttpMethod(d.pop("method"))

        path = d.pop("path")

        _query = d.pop("query", UNSET)
        query: HttpRequestInputRequestQuery | Unset
        if isinstance(_query, Unset):
            query = UNSET
        else:
            query = HttpRequestInputRequestQuery.from_dict(_query)

        _headers = d.pop("headers", UNSET)
        headers: HttpRequestInputRequestHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = HttpRequestInputRequestHeaders.from_dict(_headers)

        body = d.pop("body", UNSET)

        http_request_input_request = cls(
            method=method,
            path=path,
            query=query,
            headers=headers,
            body=body,
        )

        return http_request_input_request
