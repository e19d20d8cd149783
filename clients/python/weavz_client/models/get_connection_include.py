from enum import StrEnum


class GetConnectionInclude(StrEnum):
    VALUE = "value"

    def __str__(self) -> str:
        return str(self.value)
