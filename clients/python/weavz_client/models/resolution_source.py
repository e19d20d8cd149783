from enum import StrEnum


class ResolutionSource(StrEnum):
    CONNECTION_ID = "CONNECTION_ID"
    DEFAULT = "DEFAULT"
    ENFORCED_ORG = "ENFORCED_ORG"
    ENFORCED_PROJECT = "ENFORCED_PROJECT"
    EXTERNAL_ID = "EXTERNAL_ID"

    def __str__(self) -> str:
        return str(self.value)
