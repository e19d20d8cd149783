from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define


from ..models.events_enum import EventsEnum


T = TypeVar("T", bound="WebhookEndpointCreateRequest")


@_attrs_define
class WebhookEndpointCreateRequest:
    """The base of every request body: strict JSON types and no undeclared keys.

    A key it does not declare (``displayname``) is an error, not a no-op, and a number where a
    string is declared (``"displayName": 5``) is ``400`` naming the field, never stored as "5".

        Attributes:
            url (str):
            events (list[EventsEnum]):
    """

    url: str
    events: list[EventsEnum]

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = EventsEnum(events_item_data)

            events.append(events_item)

        webhook_endpoint_create_request = cls(
            url=url,
            events=events,
        )

        return webhook_endpoint_create_request
