from enum import StrEnum


class CustomAuthValueType(StrEnum):
    CUSTOM_AUTH = "CUSTOM_AUTH"

    def __str__(self) -> str:
        return str(self.value)
