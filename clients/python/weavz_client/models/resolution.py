from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field


from ..models.resolution_source import ResolutionSource
from typing import cast

if TYPE_CHECKING:
    from ..models.connection import Connection
    from ..models.policy import Policy


T = TypeVar("T", bound="Resolution")


@_attrs_define
class Resolution:
    """
    Attributes:
        connection (Connection):
        policy (None | Policy):
        source (ResolutionSource):
    """

    connection: Connection
    policy: None | Policy
    source: ResolutionSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.policy import Policy  # noqa: PLC0415

        connection = self.connection.to_dict()

        policy: dict[str, Any] | None
        if isinstance(self.policy, Policy):
            policy = self.policy.to_dict()
        else:
            policy = self.policy

        source = self.source.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connection": connection,
                "policy": policy,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connection import Connection  # noqa: PLC0415
        from ..models.policy import Policy  # noqa: PLC0415

        d = dict(src_dict)
        connection = Connection.from_dict(d.pop("connection"))

        def _parse_policy(data: object) -> None | Policy:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                policy_type_1 = Policy.from_dict(data)

                return policy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Policy, data)

        policy = _parse_policy(d.pop("policy"))

        source = ResolutionSource(d.pop("source"))

        resolution = cls(
            connection=connection,
            policy=policy,
            source=source,
        )

        resolution.additional_properties = d
        return resolution

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
