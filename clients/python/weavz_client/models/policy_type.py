from enum import StrEnum


class PolicyType(StrEnum):
    ENFORCED_ORG = "ENFORCED_ORG"
    ENFORCED_PROJECT = "ENFORCED_PROJECT"
    USER_REQUIRED = "USER_REQUIRED"
    USER_WITH_DEFAULT = "USER_WITH_DEFAULT"

    def __str__(self) -> str:
        return str(self.value)
