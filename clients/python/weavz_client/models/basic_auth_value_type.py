from enum import StrEnum


class BasicAuthValueType(StrEnum):
    BASIC_AUTH = "BASIC_AUTH"

    def __str__(self) -> str:
        return str(self.value)
