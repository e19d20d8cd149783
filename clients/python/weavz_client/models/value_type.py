from enum import StrEnum


class ValueType(StrEnum):
    BASIC_AUTH = "BASIC_AUTH"
    CUSTOM_AUTH = "CUSTOM_AUTH"
    NO_AUTH = "NO_AUTH"
    OAUTH2 = "OAUTH2"
    SECRET_TEXT = "SECRET_TEXT"

    def __str__(self) -> str:
        return str(self.value)
