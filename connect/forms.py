"""The hosted page's forms: what each value type asks the end user for.

Secrets are password inputs that are never rendered back (Django's ``PasswordInput`` default), so
a page re-shown with errors keeps what was typed except the secrets. The value the form builds
is checked by the same pure function the API uses (``connections.values.validate_value``), and
its messages land on the field they are about.
"""

from typing import Any

from django import forms

from connections.models import Piece
from connections.values import InvalidValue, validate_value

TYPE_LABELS = {
    "OAUTH2": "Sign in",
    "SECRET_TEXT": "API key",
    "BASIC_AUTH": "Username and password",
    "CUSTOM_AUTH": "Account details",
    "NO_AUTH": "No credentials",
}
PROP_PREFIX = "prop-"


def _in_sentence(label: str) -> str:
    """``Email`` -> ``email``, but ``OpenAI API key`` and ``URL`` stay as they are."""
    first, _, rest = label.partition(" ")
    if first[1:].islower():
        first = first.lower()
    return f"{first} {rest}" if rest else first


def _text(label: str, *, secret: bool, required: bool = True, **attrs: str) -> forms.CharField:
    widget: forms.Widget = (
        forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})
        if secret
        else forms.TextInput(attrs={"spellcheck": "false", **attrs})
    )
    return forms.CharField(
        label=label,
        required=required,
        strip=not secret,
        max_length=16_000,
        widget=widget,
        error_messages={
            "required": f"Please enter your {_in_sentence(label)}.",
            "max_length": "This is too long.",
        },
    )


class CredentialsForm(forms.Form):
    """The fields of one value type for one piece; ``value()`` is what gets stored."""

    def __init__(self, *args: Any, piece: Piece, value_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.piece = piece
        self.value_type = value_type
        if value_type == "SECRET_TEXT":
            self.fields["secret_text"] = _text(f"{piece.display_name} API key", secret=True)
        elif value_type == "BASIC_AUTH":
            self.fields["username"] = _text("Username", secret=False, autocomplete="username")
            self.fields["password"] = _text(
                "Password", secret=True, autocomplete="current-password"
            )
        elif value_type == "CUSTOM_AUTH":
            for name, spec in (piece.props or {}).items():
                self.fields[PROP_PREFIX + name] = _text(
                    str(spec.get("displayName") or name),
                    secret=bool(spec.get("secret")),
                    required=bool(spec.get("required")),
                )

    def value(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.value_type == "CUSTOM_AUTH":
            props = {
                name[len(PROP_PREFIX) :]: item
                for name, item in data.items()
                if name.startswith(PROP_PREFIX) and item != ""
            }
            return {"type": "CUSTOM_AUTH", "props": props}
        return {"type": self.value_type, **data}

    def checked_value(self) -> dict[str, Any] | None:
        """The value, checked against the piece; ``None`` with errors on the form otherwise."""
        if not self.is_valid():
            return None
        try:
            return validate_value(
                self.value(), auth_types=self.piece.auth_types, props=self.piece.props
            )
        except InvalidValue as exc:
            for path, messages in exc.details.items():
                name = path.removeprefix("value.")
                if name.startswith("props."):
                    name = PROP_PREFIX + name.removeprefix("props.")
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return None

    def describe_errors(self) -> None:
        """Points each invalid input at its message, for screen readers."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


def page_types(piece: Piece) -> list[str]:
    """The value types the page offers for this piece, in the catalog's order (its preference)."""
    return [t for t in piece.auth_types if t in TYPE_LABELS]
