"""Seed a fresh PostgreSQL database for the benchmark.

    python -m bench.seed --db weavz_bench --rows 100000 [--json]

Drops and recreates the database (its name must start with ``weavz_bench``), migrates it, then
bulk-loads N connections with COPY: 2 orgs (90% / 10% of the rows), 100 projects each, every piece
of the catalog (``slack`` holds about half of the big org's rows, so a list is 1,000 pages deep),
external ids on 80% of the rows, a status mix, and a policy of every type. Each value is a real
AES-256-GCM envelope bound to its row id, sealed with BENCH_SEAL_KEY when set (so the rotation
command has work to do), else with the current ENCRYPTION_KEY.

Prints progress to stderr; with ``--json`` prints what the driver needs (ids, the bench API
keys of this throwaway database, the deep-page cursor) to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from bench.config import admin_conninfo, db_name, db_url

LIST_PIECE = "slack"  # the list and deep-page scenarios
CREATE_PIECE = "openai"  # POST /connections writes here, away from the list's rows
RESOLVE_PIECE = "gmail"  # a USER_WITH_DEFAULT policy at org level
PAGE = 50
DEEP_PAGES = 1000
SAMPLE = 2000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def recreate_database(url: str) -> None:
    name = db_name(url)
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weavz.settings")
    import django

    django.setup()


def _sample_value(value_type: str, props: dict[str, Any], n: int) -> dict[str, Any]:
    token = os.urandom(18).hex()
    if value_type == "SECRET_TEXT":
        return {"type": value_type, "secret_text": f"sk-bench-{token}"}
    if value_type == "OAUTH2":
        return {
            "type": value_type,
            "access_token": f"ya29.{token}",
            "refresh_token": f"1//{token[::-1]}",
            "token_type": "Bearer",
            "scope": "read write",
            "expires_in": 3600,
        }
    if value_type == "BASIC_AUTH":
        return {"type": value_type, "username": f"user{n}", "password": token}
    if value_type == "CUSTOM_AUTH":
        return {"type": value_type, "props": {name: f"{name}-{token[:8]}" for name in props}}
    return {"type": value_type}


@dataclass
class Plan:
    orgs: list[Any]
    projects: dict[str, list[str]]
    pieces: list[Any]


def _piece_for(i: int, pieces: list[Any]) -> Any:
    # 60% of the rows are slack, so a slack list of the big org is over 1,000 pages deep at the
    # default size; the rest spread over the catalog.
    if i % 5 < 3:
        return next(p for p in pieces if p.name == LIST_PIECE)
    return pieces[(i // 5) % len(pieces)]


def seed(url: str, rows: int) -> dict[str, Any]:
    from django.db import connection as dj_connection
    from django.db import transaction
    from django.utils import timezone

    from connections.crypto import Keyring
    from connections.fields import EncryptedJSONField, keyring, serialize
    from connections.models import Connection, Piece
    from orgs.models import ALL_SCOPES, Organization, Project
    from orgs.services import api_key_create
    from weavz.api.ids import new_id

    seal_key = os.environ.get("BENCH_SEAL_KEY", "")
    ring = Keyring.from_config(seal_key) if seal_key else keyring()
    field = Connection._meta.get_field("value")
    assert isinstance(field, EncryptedJSONField)

    orgs = [Organization.objects.create(name=name) for name in ("Acme (bench)", "Globex (bench)")]
    projects: dict[str, list[str]] = {}
    for org in orgs:
        made = Project.objects.bulk_create(
            [Project(id=new_id("proj"), org=org, name=f"Project {n}") for n in range(100)]
        )
        projects[org.id] = [p.id for p in made]
    keys = {}
    for org in orgs:
        scopes = [s for s in ALL_SCOPES if s != "connections:reveal"]
        _key, secret = api_key_create(org=org, name="bench", actor="command:bench", scopes=scopes)
        keys[org.id] = secret
    pieces = list(Piece.objects.order_by("name"))
    props = {p.name: p.props or {} for p in pieces}

    statuses = ["ACTIVE"] * 94 + ["ERROR"] * 3 + ["EXPIRED"] * 3
    now = timezone.now()
    columns = (
        "id, org_id, project_id, piece_id, display_name, external_id, status, value_type, value,"
        " created_at, updated_at, refresh_failures, refresh_outcome"
    )
    started = time.perf_counter()
    sealing = 0.0
    # One transaction: the indexes come back even if the load fails half way.
    with transaction.atomic(), dj_connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor underneath, for COPY
        # Building each index once after the load is several times faster than maintaining it
        # row by row; the primary key stays so a duplicate id would still fail the load.
        index_defs = [
            (name, definition)
            for name, definition in cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " AND indexname NOT LIKE %s",
                ("connections_connection", "%_pkey"),
            ).fetchall()
        ]
        for name, _definition in index_defs:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        with cursor.copy(f"COPY connections_connection ({columns}) FROM STDIN") as copy:
            for i in range(rows):
                org = orgs[0] if i % 10 else orgs[1]
                piece = _piece_for(i, pieces)
                value_type = piece.auth_types[0]
                pk = new_id("conn")
                t0 = time.perf_counter()
                envelope = ring.encrypt(
                    serialize(_sample_value(value_type, props[piece.name], i)),
                    field.context(pk, org.id),
                )
                sealing += time.perf_counter() - t0
                org_projects = projects[org.id]
                project = org_projects[(i * 7) % len(org_projects)] if i % 4 in (1, 2) else None
                external = f"user-{i}" if i % 5 else None
                copy.write_row(
                    (
                        pk,
                        org.id,
                        project,
                        piece.name,
                        f"{piece.display_name} {i}",
                        external,
                        statuses[i % len(statuses)],
                        value_type,
                        envelope,
                        now,
                        now,
                        0,
                        "",
                    )
                )
                if i and i % 100_000 == 0:
                    log(f"  {i:,} rows …")
        # Check the deferred foreign keys now: CREATE INDEX refuses pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in index_defs:
            cursor.execute(definition)
    loaded = time.perf_counter() - started
    log(
        f"seeded {rows:,} connections in {loaded:.1f}s = {rows / loaded:,.0f} rows/s "
        f"(sealing {sealing:.1f}s of it)"
    )

    policies = _seed_policies(orgs, projects)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return _describe(url, rows, loaded, orgs, keys, policies, now)


def _seed_policies(orgs: list[Any], projects: dict[str, list[str]]) -> dict[str, Any]:
    """One policy of each type per org; the resolve scenario runs under the USER_WITH_DEFAULT."""
    try:
        from policies.models import ConnectionPolicy
    except ImportError:
        log("policies.models.ConnectionPolicy does not exist yet: no policies seeded")
        return {}
    from connections.models import Connection
    from weavz.api.ids import new_id

    made: dict[str, Any] = {}
    for org in orgs:

        def shared(piece: str, project: str | None, org_id: str = org.id) -> Connection:
            # A connection a policy may point at: of the piece, no external id, org-level or
            # of the policy's project.
            return Connection.objects.create(
                id=new_id("conn"),
                org_id=org_id,
                project_id=project,
                piece_id=piece,
                display_name=f"{piece} shared",
                value_type="OAUTH2" if piece != "stripe" else "SECRET_TEXT",
                value={"type": "OAUTH2", "access_token": "bench-shared"}
                if piece != "stripe"
                else {"type": "SECRET_TEXT", "secret_text": "bench-shared"},
            )

        project = projects[org.id][0]
        specs = [
            (RESOLVE_PIECE, None, "USER_WITH_DEFAULT", shared(RESOLVE_PIECE, None)),
            ("github", None, "ENFORCED_ORG", shared("github", None)),
            ("hubspot", project, "ENFORCED_PROJECT", shared("hubspot", project)),
            ("notion", None, "USER_REQUIRED", None),
        ]
        for piece, project_id, kind, conn in specs:
            policy = ConnectionPolicy.objects.create(
                org_id=org.id,
                piece_id=piece,
                project_id=project_id,
                type=kind,
                connection=conn,
            )
            if org is orgs[0]:
                made[kind] = {"id": policy.pk, "pieceName": piece, "connectionId": conn and conn.pk}
    return made


def _describe(
    url: str,
    rows: int,
    seconds: float,
    orgs: list[Any],
    keys: dict[str, str],
    policies: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    big = orgs[0].id
    with psycopg.connect(url) as conn:
        get_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM connections_connection WHERE org_id = %s ORDER BY md5(id) LIMIT %s",
                (big, SAMPLE),
            )
        ]
        (list_rows,) = conn.execute(
            "SELECT count(*) FROM connections_connection WHERE org_id = %s AND piece_id = %s",
            (big, LIST_PIECE),
        ).fetchone() or (0,)
        depth = max(2, min(DEEP_PAGES, list_rows // PAGE))
        # The cursor of page `depth` is the last id of page depth-1.
        before = conn.execute(
            "SELECT id FROM connections_connection WHERE org_id = %s AND piece_id = %s"
            " ORDER BY id DESC OFFSET %s LIMIT 2",
            (big, LIST_PIECE, (depth - 1) * PAGE - 1),
        ).fetchall()
        external_ids = [
            r[0]
            for r in conn.execute(
                "SELECT external_id FROM connections_connection WHERE org_id = %s"
                " AND piece_id = %s AND external_id IS NOT NULL AND status = 'ACTIVE'"
                " AND project_id IS NULL ORDER BY md5(id) LIMIT %s",
                (big, RESOLVE_PIECE, SAMPLE),
            )
        ]
        (total,) = conn.execute("SELECT count(*) FROM connections_connection").fetchone() or (0,)
    cursor = before[0][0]  # the cursor is the last id of the previous page (weavz.api.pagination)
    return {
        "database": db_name(url),
        "rows": rows,
        "totalRows": total,
        "seedSeconds": round(seconds, 3),
        "rowsPerSecond": round(rows / seconds),
        "orgId": big,
        "otherOrgId": orgs[1].id,
        "apiKey": keys[big],
        "listPiece": LIST_PIECE,
        "listRows": list_rows,
        "createPiece": CREATE_PIECE,
        "resolvePiece": RESOLVE_PIECE,
        "getIds": get_ids,
        "deepPage": depth,
        "deepCursor": cursor,
        "deepFirstId": before[1][0] if len(before) > 1 else None,
        "resolveExternalIds": external_ids,
        "policies": policies,
        "seededAt": now.astimezone(UTC).isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="weavz_bench", help="database name (weavz_bench…)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print the seed description")
    args = parser.parse_args(argv)
    url = db_url(args.db)
    t0 = time.perf_counter()
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    log(f"created and migrated {args.db} in {time.perf_counter() - t0:.1f}s")
    info = seed(url, args.rows)
    if args.json:
        print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
