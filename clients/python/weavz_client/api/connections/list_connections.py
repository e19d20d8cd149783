from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connection_page import ConnectionPage
from ...models.connection_status import ConnectionStatus
from ...models.error_envelope import ErrorEnvelope
from ...types import Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    piece_name: str | Unset = UNSET,
    project_id: str | Unset = UNSET,
    status: ConnectionStatus | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["externalId"] = external_id

    params["limit"] = limit

    params["pieceName"] = piece_name

    params["projectId"] = project_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/connections",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConnectionPage | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ConnectionPage.from_dict(response.json())

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
) -> Response[ConnectionPage | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    piece_name: str | Unset = UNSET,
    project_id: str | Unset = UNSET,
    status: ConnectionStatus | Unset = UNSET,
) -> Response[ConnectionPage | ErrorEnvelope]:
    """List connections

     The organization's connections, newest first, filtered by any of `pieceName`, `projectId`,
    `externalId` and `status`. Never includes a value.

    Args:
        cursor (str | Unset):
        external_id (str | Unset):
        limit (int | Unset):  Default: 50.
        piece_name (str | Unset):
        project_id (str | Unset):
        status (ConnectionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectionPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        external_id=external_id,
        limit=limit,
        piece_name=piece_name,
        project_id=project_id,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    piece_name: str | Unset = UNSET,
    project_id: str | Unset = UNSET,
    status: ConnectionStatus | Unset = UNSET,
) -> ConnectionPage | ErrorEnvelope | None:
    """List connections

     The organization's connections, newest first, filtered by any of `pieceName`, `projectId`,
    `externalId` and `status`. Never includes a value.

    Args:
        cursor (str | Unset):
        external_id (str | Unset):
        limit (int | Unset):  Default: 50.
        piece_name (str | Unset):
        project_id (str | Unset):
        status (ConnectionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectionPage | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        external_id=external_id,
        limit=limit,
        piece_name=piece_name,
        project_id=project_id,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    piece_name: str | Unset = UNSET,
    project_id: str | Unset = UNSET,
    status: ConnectionStatus | Unset = UNSET,
) -> Response[ConnectionPage | ErrorEnvelope]:
    """List connections

     The organization's connections, newest first, filtered by any of `pieceName`, `projectId`,
    `externalId` and `status`. Never includes a value.

    Args:
        cursor (str | Unset):
        external_id (str | Unset):
        limit (int | Unset):  Default: 50.
        piece_name (str | Unset):
        project_id (str | Unset):
        status (ConnectionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectionPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        external_id=external_id,
        limit=limit,
        piece_name=piece_name,
        project_id=project_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    piece_name: str | Unset = UNSET,
    project_id: str | Unset = UNSET,
    status: ConnectionStatus | Unset = UNSET,
) -> ConnectionPage | ErrorEnvelope | None:
    """List connections

     The organization's connections, newest first, filtered by any of `pieceName`, `projectId`,
    `externalId` and `status`. Never includes a value.

    Args:
        cursor (str | Unset):
        external_id (str | Unset):
        limit (int | Unset):  Default: 50.
        piece_name (str | Unset):
        project_id (str | Unset):
        status (ConnectionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectionPage | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            external_id=external_id,
            limit=limit,
            piece_name=piece_name,
            project_id=project_id,
            status=status,
        )
    ).parsed
