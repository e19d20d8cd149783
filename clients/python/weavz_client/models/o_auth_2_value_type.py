from enum import StrEnum


class OAuth2ValueType(StrEnum):
    OAUTH2 = "OAUTH2"

    def __str__(self) -> str:
        return str(self.value)
