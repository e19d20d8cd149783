from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, TYPE_CHECKING

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.value_type import ValueType
from typing import cast

if TYPE_CHECKING:
    from ..models.o_auth_2_settings import OAuth2Settings
    from ..models.piece_auth import PieceAuth
    from ..models.piece_props import PieceProps


T = TypeVar("T", bound="Piece")


@_attrs_define
class Piece:
    """
    Attributes:
        name (str):
        display_name (str):
        auth_types (list[ValueType]):
        base_url (None | str): The API root; null when each connection carries its own.
        auth (PieceAuth): Per value type: where the credential goes (headers, query, basic, path).
        oauth2 (None | OAuth2Settings):
        props (PieceProps | Unset): CUSTOM_AUTH only: prop name -> {displayName, required, secret}.
    """

    name: str
    display_name: str
    auth_types: list[ValueType]
    base_url: None | str
    auth: PieceAuth
    oauth2: None | OAuth2Settings
    props: PieceProps | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.o_auth_2_settings import OAuth2Settings  # noqa: PLC0415

        name = self.name

        display_name = self.display_name

        auth_types = []
        for auth_types_item_data in self.auth_types:
            auth_types_item = auth_types_item_data.value
            auth_types.append(auth_types_item)

        base_url: None | str
        base_url = self.base_url

        auth = self.auth.to_dict()

        oauth2: dict[str, Any] | None
        if isinstance(self.oauth2, OAuth2Settings):
            oauth2 = self.oauth2.to_dict()
        else:
            oauth2 = self.oauth2

        props: dict[str, Any] | Unset = UNSET
        if not isinstance(self.props, Unset):
            props = self.props.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "displayName": display_name,
                "authTypes": auth_types,
                "baseUrl": base_url,
                "auth": auth,
                "oauth2": oauth2,
            }
        )
        if props is not UNSET:
            field_dict["props"] = props

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_auth_2_settings import OAuth2Settings  # noqa: PLC0415
        from ..models.piece_auth import PieceAuth  # noqa: PLC0415
        from ..models.piece_props import PieceProps  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        display_name = d.pop("displayName")

        auth_types = []
        _auth_types = d.pop("authTypes")
        for auth_types_item_data in _auth_types:
            auth_types_item = ValueType(auth_types_item_data)

            auth_types.append(auth_types_item)

        def _parse_base_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        base_url = _parse_base_url(d.pop("baseUrl"))

        auth = PieceAuth.from_dict(d.pop("auth"))

        def _parse_oauth2(data: object) -> None | OAuth2Settings:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oauth2_type_1 = OAuth2Settings.from_dict(data)

                return oauth2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OAuth2Settings, data)

        oauth2 = _parse_oauth2(d.pop("oauth2"))

        _props = d.pop("props", UNSET)
        props: PieceProps | Unset
        if isinstance(_props, Unset):
            props = UNSET
        else:
            props = PieceProps.from_dict(_props)

        piece = cls(
            name=name,
            display_name=display_name,
            auth_types=auth_types,
            base_url=base_url,
            auth=auth,
            oauth2=oauth2,
            props=props,
        )

        piece.additional_properties = d
        return piece

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
