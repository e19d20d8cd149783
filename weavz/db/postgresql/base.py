"""Django's PostgreSQL backend with a health check that only runs on an idle connection.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request on a
reused connection: a third round trip on a GET that needs two, and about 0.1 ms of worker CPU.
A connection that ran a query less than ``HEALTH_CHECK_IDLE_SECONDS`` ago (default 1 s) is not
checked again: under load every connection is that fresh, while one that sat idle (where a
restart, a failover or an idle timeout can have cut it) is still checked before it is used.
A connection cut in that short window fails the one request that uses it, and Django then
closes it at the end of the request (it checks any connection that saw an error), as it does
for a connection cut in the middle of a request.
"""

import time
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.health_check_idle = float(self.settings_dict.get("HEALTH_CHECK_IDLE_SECONDS", 1.0))
        self._last_query_at = 0.0

    def close_if_health_check_failed(self) -> None:
        # Django calls this before every cursor and transaction: a query is about to run.
        now = time.monotonic()
        if (
            self.connection is not None
            and not self.health_check_done
            and now - self._last_query_at < self.health_check_idle
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()
        self._last_query_at = now
