"""Run by the single-flight test as a separate process: THREADS threads call
``refresh_if_expiring`` on one connection at once (at START, an epoch time shared with the other
process) and print, as JSON, the access token each would send and any error.

    python -m tests.oauth.refresh_clients CONNECTION_ID THREADS START
"""

import json
import os
import sys
import threading
import time


def main(connection_id: str, threads: int, start: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weavz.settings")
    import django

    django.setup()
    from django.db import connection as db

    from connections.models import Connection
    from oauth.refresh import refresh_if_expiring

    tokens: list[str] = []
    errors: list[str] = []

    def call() -> None:
        try:
            conn = Connection.objects.get(pk=connection_id)
            time.sleep(max(0.0, start - time.time()))
            result = refresh_if_expiring(connection=conn, actor="test")
            tokens.append(result.connection.decrypted_value()["access_token"])
        except Exception as exc:
            errors.append(type(exc).__name__)
        finally:
            db.close()

    workers = [threading.Thread(target=call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({"tokens": tokens, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
