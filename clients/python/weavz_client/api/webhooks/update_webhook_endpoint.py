from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.patched_webhook_endpoint_update_request import (
    PatchedWebhookEndpointUpdateRequest,
)
from ...models.webhook_endpoint import WebhookEndpoint
from ...types import Unset


def _get_kwargs(
    id: str,
    *,
    body: PatchedWebhookEndpointUpdateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/webhook-endpoints/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookEndpoint | None:
    if response.status_code == 200:
        response_200 = WebhookEndpoint.from_dict(response.json())

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
) -> Response[ErrorEnvelope | WebhookEndpoint]:
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
    body: PatchedWebhookEndpointUpdateRequest | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookEndpoint]:
    """Update a webhook endpoint

     Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` disabled).

    Args:
        id (str):  Example: whe_01jh6x3k5bf4jr0q8z6g9m2c7d.
        body (PatchedWebhookEndpointUpdateRequest | Unset): Any of the fields; absent ones are
            left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookEndpoint]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWebhookEndpointUpdateRequest | Unset = UNSET,
) -> ErrorEnvelope | WebhookEndpoint | None:
    """Update a webhook endpoint

     Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` disabled).

    Args:
        id (str):  Example: whe_01jh6x3k5bf4jr0q8z6g9m2c7d.
        body (PatchedWebhookEndpointUpdateRequest | Unset): Any of the fields; absent ones are
            left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookEndpoint
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWebhookEndpointUpdateRequest | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookEndpoint]:
    """Update a webhook endpoint

     Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` disabled).

    Args:
        id (str):  Example: whe_01jh6x3k5bf4jr0q8z6g9m2c7d.
        body (PatchedWebhookEndpointUpdateRequest | Unset): Any of the fields; absent ones are
            left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookEndpoint]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWebhookEndpointUpdateRequest | Unset = UNSET,
) -> ErrorEnvelope | WebhookEndpoint | None:
    """Update a webhook endpoint

     Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` disabled).

    Args:
        id (str):  Example: whe_01jh6x3k5bf4jr0q8z6g9m2c7d.
        body (PatchedWebhookEndpointUpdateRequest | Unset): Any of the fields; absent ones are
            left as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookEndpoint
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
