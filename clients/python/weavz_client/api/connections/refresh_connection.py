from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response
from ... import errors

from ...models.connection import Connection
from ...models.error_envelope import ErrorEnvelope


def _get_kwargs(
    id: str,
) -> dict[str, Any]:
    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/connections/{id}/refresh".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Connection | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = Connection.from_dict(response.json())

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
) -> Response[Connection | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Connection | ErrorEnvelope]:
    """Refresh a connection's OAuth2 token now

     Sends one token request (single flight with any other refresh of the connection) and answers the
    connection object: `ACTIVE` after a refresh, `ERROR` when the provider rejected the refresh token,
    `EXPIRED` when it expired with nothing to refresh it with. No usable answer from the provider is 502
    (504 on a timeout); the connection then stays ACTIVE and is retried by the sweep. A connection that
    cannot be refreshed (not OAuth2, no refresh token, token URL or client credentials) is 409.

    Args:
        id (str):  Example: conn_01jh6x3k5bf4jr0q8z6g9m2c7d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Connection | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Connection | ErrorEnvelope | None:
    """Refresh a connection's OAuth2 token now

     Sends one token request (single flight with any other refresh of the connection) and answers the
    connection object: `ACTIVE` after a refresh, `ERROR` when the provider rejected the refresh token,
    `EXPIRED` when it expired with nothing to refresh it with. No usable answer from the provider is 502
    (504 on a timeout); the connection then stays ACTIVE and is retried by the sweep. A connection that
    cannot be refreshed (not OAuth2, no refresh token, token URL or client credentials) is 409.

    Args:
        id (str):  Example: conn_01jh6x3k5bf4jr0q8z6g9m2c7d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Connection | ErrorEnvelope
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Connection | ErrorEnvelope]:
    """Refresh a connection's OAuth2 token now

     Sends one token request (single flight with any other refresh of the connection) and answers the
    connection object: `ACTIVE` after a refresh, `ERROR` when the provider rejected the refresh token,
    `EXPIRED` when it expired with nothing to refresh it with. No usable answer from the provider is 502
    (504 on a timeout); the connection then stays ACTIVE and is retried by the sweep. A connection that
    cannot be refreshed (not OAuth2, no refresh token, token URL or client credentials) is 409.

    Args:
        id (str):  Example: conn_01jh6x3k5bf4jr0q8z6g9m2c7d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Connection | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Connection | ErrorEnvelope | None:
    """Refresh a connection's OAuth2 token now

     Sends one token request (single flight with any other refresh of the connection) and answers the
    connection object: `ACTIVE` after a refresh, `ERROR` when the provider rejected the refresh token,
    `EXPIRED` when it expired with nothing to refresh it with. No usable answer from the provider is 502
    (504 on a timeout); the connection then stays ACTIVE and is retried by the sweep. A connection that
    cannot be refreshed (not OAuth2, no refresh token, token URL or client credentials) is 409.

    Args:
        id (str):  Example: conn_01jh6x3k5bf4jr0q8z6g9m2c7d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Connection | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
