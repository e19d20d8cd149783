from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.audit_event_metadata import AuditEventMetadata


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        id (str):
        action (str):
        actor (str): key_…, admin:<username> or command:<name>
        target_id (None | str):
        created_at (datetime.datetime):  Example: 2025-01-15T10:30:00Z.
        metadata (AuditEventMetadata): Ids and field names; never a secret.
    """

    id: str
    action: str
    actor: str
    target_id: None | str
    created_at: datetime.datetime
    metadata: AuditEventMetadata
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        action = self.action

        actor = self.actor

        target_id: None | str
        target_id = self.target_id

        created_at = self.created_at.isoformat()

        metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action": action,
                "actor": actor,
                "targetId": target_id,
                "createdAt": created_at,
                "metadata": metadata,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_metadata import AuditEventMetadata  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        action = d.pop("action")

        actor = d.pop("actor")

        def _parse_target_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_id = _parse_target_id(d.pop("targetId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        metadata = AuditEventMetadata.from_dict(d.pop("metadata"))

        audit_event = cls(
            id=id,
            action=action,
            actor=actor,
            target_id=target_id,
            created_at=created_at,
            metadata=metadata,
        )

        audit_event.additional_properties = d
        return audit_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
