from enum import StrEnum


class ConnectionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ERROR = "ERROR"
    EXPIRED = "EXPIRED"

    def __str__(self) -> str:
        return str(self.value)
