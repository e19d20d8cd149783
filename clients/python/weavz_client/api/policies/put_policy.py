from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.policy import Policy
from ...models.policy_put_request import PolicyPutRequest
from ...types import Unset


def _get_kwargs(
    *,
    body: PolicyPutRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/policies",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Policy | None:
    if response.status_code == 200:
        response_200 = Policy.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Policy.from_dict(response.json())

        return response_201

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
) -> Response[ErrorEnvelope | Policy]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PolicyPutRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Policy]:
    """Create or replace a connection policy

     Creates (201) or replaces (200) the policy for (`pieceName`, `projectId`); `projectId` null is the
    whole organization. What `connectionId` must be depends on `type` (ENFORCED_ORG, ENFORCED_PROJECT,
    USER_REQUIRED, USER_WITH_DEFAULT).

    Args:
        idempotency_key (str | Unset):
        body (PolicyPutRequest): The policy for one piece in one project (or the whole
            organization).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Policy]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PolicyPutRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | Policy | None:
    """Create or replace a connection policy

     Creates (201) or replaces (200) the policy for (`pieceName`, `projectId`); `projectId` null is the
    whole organization. What `connectionId` must be depends on `type` (ENFORCED_ORG, ENFORCED_PROJECT,
    USER_REQUIRED, USER_WITH_DEFAULT).

    Args:
        idempotency_key (str | Unset):
        body (PolicyPutRequest): The policy for one piece in one project (or the whole
            organization).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Policy
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PolicyPutRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Policy]:
    """Create or replace a connection policy

     Creates (201) or replaces (200) the policy for (`pieceName`, `projectId`); `projectId` null is the
    whole organization. What `connectionId` must be depends on `type` (ENFORCED_ORG, ENFORCED_PROJECT,
    USER_REQUIRED, USER_WITH_DEFAULT).

    Args:
        idempotency_key (str | Unset):
        body (PolicyPutRequest): The policy for one piece in one project (or the whole
            organization).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Policy]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PolicyPutRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | Policy | None:
    """Create or replace a connection policy

     Creates (201) or replaces (200) the policy for (`pieceName`, `projectId`); `projectId` null is the
    whole organization. What `connectionId` must be depends on `type` (ENFORCED_ORG, ENFORCED_PROJECT,
    USER_REQUIRED, USER_WITH_DEFAULT).

    Args:
        idempotency_key (str | Unset):
        body (PolicyPutRequest): The policy for one piece in one project (or the whole
            organization).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Policy
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
