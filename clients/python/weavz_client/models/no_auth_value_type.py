from enum import StrEnum


class NoAuthValueType(StrEnum):
    NO_AUTH = "NO_AUTH"

    def __str__(self) -> str:
        return str(self.value)
