"""When a failed delivery is tried again: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after
each failure (about 28 hours in all), each delay ±10% so a receiver that comes back is not hit by
every queued retry in the same second."""

import random
from datetime import timedelta

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.10

_random = random.SystemRandom()


def retry_delay(failed_attempts: int) -> timedelta | None:
    """The wait after the ``failed_attempts``-th failed attempt; ``None`` when none is left."""
    if not 1 <= failed_attempts <= len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[failed_attempts - 1] * _random.uniform(1 - JITTER, 1 + JITTER)
