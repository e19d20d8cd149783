from enum import StrEnum


class SecretTextValueType(StrEnum):
    SECRET_TEXT = "SECRET_TEXT"

    def __str__(self) -> str:
        return str(self.value)
