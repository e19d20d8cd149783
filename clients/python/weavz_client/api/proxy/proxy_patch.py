from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...types import File
from ...types import Unset
from io import BytesIO


def _get_kwargs(
    piece_name: str,
    path: str,
    *,
    body: File | Unset = UNSET,
    weavz_connection_id: str | Unset = UNSET,
    weavz_external_id: str | Unset = UNSET,
    weavz_project_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(weavz_connection_id, Unset):
        headers["Weavz-Connection-Id"] = weavz_connection_id

    if not isinstance(weavz_external_id, Unset):
        headers["Weavz-External-Id"] = weavz_external_id

    if not isinstance(weavz_project_id, Unset):
        headers["Weavz-Project-Id"] = weavz_project_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/proxy/{piece_name}/{path}".format(
            piece_name=quote(str(piece_name), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = ErrorEnvelope.from_dict(response.json())

        return response_405

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = ErrorEnvelope.from_dict(response.json())

        return response_410

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = ErrorEnvelope.from_dict(response.json())

        return response_502

    if response.status_code == 504:
        response_504 = ErrorEnvelope.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    piece_name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File | Unset = UNSET,
    weavz_connection_id: str | Unset = UNSET,
    weavz_external_id: str | Unset = UNSET,
    weavz_project_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | File]:
    """Call the provider's API with a stored connection (passthrough)

     Headers `Weavz-Connection-Id` or `Weavz-External-Id` (+ `Weavz-Project-Id`) choose the connection by
    the policy rules; the query string and body are forwarded as they are; the upstream's status, body
    and content headers come back (credential values redacted) with `Weavz-Connection-Id`. The service's
    own errors carry `Weavz-Error`.

    Args:
        piece_name (str):
        path (str):
        weavz_connection_id (str | Unset):
        weavz_external_id (str | Unset):
        weavz_project_id (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | File]
    """

    kwargs = _get_kwargs(
        piece_name=piece_name,
        path=path,
        body=body,
        weavz_connection_id=weavz_connection_id,
        weavz_external_id=weavz_external_id,
        weavz_project_id=weavz_project_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    piece_name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File | Unset = UNSET,
    weavz_connection_id: str | Unset = UNSET,
    weavz_external_id: str | Unset = UNSET,
    weavz_project_id: str | Unset = UNSET,
) -> ErrorEnvelope | File | None:
    """Call the provider's API with a stored connection (passthrough)

     Headers `Weavz-Connection-Id` or `Weavz-External-Id` (+ `Weavz-Project-Id`) choose the connection by
    the policy rules; the query string and body are forwarded as they are; the upstream's status, body
    and content headers come back (credential values redacted) with `Weavz-Connection-Id`. The service's
    own errors carry `Weavz-Error`.

    Args:
        piece_name (str):
        path (str):
        weavz_connection_id (str | Unset):
        weavz_external_id (str | Unset):
        weavz_project_id (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | File
    """

    return sync_detailed(
        piece_name=piece_name,
        path=path,
        client=client,
        body=body,
        weavz_connection_id=weavz_connection_id,
        weavz_external_id=weavz_external_id,
        weavz_project_id=weavz_project_id,
    ).parsed


async def asyncio_detailed(
    piece_name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File | Unset = UNSET,
    weavz_connection_id: str | Unset = UNSET,
    weavz_external_id: str | Unset = UNSET,
    weavz_project_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | File]:
    """Call the provider's API with a stored connection (passthrough)

     Headers `Weavz-Connection-Id` or `Weavz-External-Id` (+ `Weavz-Project-Id`) choose the connection by
    the policy rules; the query string and body are forwarded as they are; the upstream's status, body
    and content headers come back (credential values redacted) with `Weavz-Connection-Id`. The service's
    own errors carry `Weavz-Error`.

    Args:
        piece_name (str):
        path (str):
        weavz_connection_id (str | Unset):
        weavz_external_id (str | Unset):
        weavz_project_id (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | File]
    """

    kwargs = _get_kwargs(
        piece_name=piece_name,
        path=path,
        body=body,
        weavz_connection_id=weavz_connection_id,
        weavz_external_id=weavz_external_id,
        weavz_project_id=weavz_project_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    piece_name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File | Unset = UNSET,
    weavz_connection_id: str | Unset = UNSET,
    weavz_external_id: str | Unset = UNSET,
    weavz_project_id: str | Unset = UNSET,
) -> ErrorEnvelope | File | None:
    """Call the provider's API with a stored connection (passthrough)

     Headers `Weavz-Connection-Id` or `Weavz-External-Id` (+ `Weavz-Project-Id`) choose the connection by
    the policy rules; the query string and body are forwarded as they are; the upstream's status, body
    and content headers come back (credential values redacted) with `Weavz-Connection-Id`. The service's
    own errors carry `Weavz-Error`.

    Args:
        piece_name (str):
        path (str):
        weavz_connection_id (str | Unset):
        weavz_external_id (str | Unset):
        weavz_project_id (str | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | File
    """

    return (
        await asyncio_detailed(
            piece_name=piece_name,
            path=path,
            client=client,
            body=body,
            weavz_connection_id=weavz_connection_id,
            weavz_external_id=weavz_external_id,
            weavz_project_id=weavz_project_id,
        )
    ).parsed
