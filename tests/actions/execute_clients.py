"""Run by the execute single-flight test as a separate process: THREADS threads each call
``POST /api/v1/actions/execute`` on one connection at once (at START, an epoch time shared with
the other process), through Django's test client in this process, with the API key in
``WEAVZ_TEST_API_KEY``; prints, as JSON, each answer's HTTP status, success and upstream status.

    python -m tests.actions.execute_clients CONNECTION_ID THREADS START
"""

import json
import os
import sys
import threading
import time
from typing import Any


def main(connection_id: str, threads: int, start: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weavz.settings")
    import django

    django.setup()
    from django.db import connection as db
    from django.test import Client

    secret = os.environ["WEAVZ_TEST_API_KEY"]
    answers: list[dict[str, Any]] = []
    lock = threading.Lock()

    def call() -> None:
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
        body = {
            "pieceName": "slack",
            "actionName": "http_request",
            "connectionId": connection_id,
            "input": {"method": "GET", "path": "/echo"},
        }
        try:
            time.sleep(max(0.0, start - time.time()))
            response = client.post("/api/v1/actions/execute", body, content_type="application/json")
            data = response.json()
            answer = {
                "status": response.status_code,
                "success": data.get("success"),
                "upstream": (data.get("output") or {}).get("status"),
                "error": (data.get("error") or {}).get("code"),
            }
        except Exception as exc:
            answer = {"status": None, "error": type(exc).__name__}
        finally:
            db.close()
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(answers))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
