"""`make bench`: seed, serve (API and two floors, same gunicorn settings), drive with wrk, report.

    python -m bench [--rows 100000] [--duration 8] [--rounds 3] [--concurrency 16] …

Plain Python on purpose: Django runs only in subprocesses (seeding, query counting, rotation)
and in the gunicorn servers, each pointed at its own database and keyring.

Soundness on a shared, noisy machine: every (scenario, server) pair is warmed up first; rounds
rotate the server order (A B C, B C A, C A B …) so drift hits every server alike; each figure is
the median over rounds.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.config import BENCH_DIR, PYTHON, RESULTS_DIR, ROOT, app_env, db_url

WRK_DIR = BENCH_DIR / "wrk"
GUNICORN = str(Path(PYTHON).parent / "gunicorn")

# What each server runs: (WSGI app, settings module, database).
SERVERS = {
    "api": ("weavz.wsgi:application", "weavz.settings", "weavz_bench"),
    "raw": ("bench.raw_app:application", "weavz.settings", "weavz_bench"),
    "django": ("weavz.wsgi:application", "bench.django_floor.settings", "weavz_bench"),
    "api@10k": ("weavz.wsgi:application", "weavz.settings", "weavz_bench_small"),
}
FLOORS = ("raw", "django")
SCENARIOS = ("get", "list", "deep", "resolve", "create", "healthz", "execute", "proxy")
TARGETS = {"get": 0.5, "list": 0.4, "resolve": 0.4, "execute": 0.5, "proxy": 0.5}
# Calls to a fake provider: measured against the raw floor (same work by hand) and against the
# provider called directly (what the API adds to a call).
CALL_SCENARIOS = ("execute", "proxy")
PROVIDER = "provider"
PROVIDER_SECRET = "bench-provider-secret"  # noqa: S105 (the fake provider's key)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
            sizes.append(round(kb / 1024, 1))
        return sizes

    def cpu_seconds(self) -> float:
        """CPU time of the workers, reaped ones (recycled by max_requests) included."""
        tick = os.sysconf("SC_CLK_TCK")

        def fields(pid: int) -> list[str]:
            try:
                return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return []

        master = fields(self.process.pid)
        # after ")": state=0 … utime=11 stime=12 cutime=13 cstime=14
        total = int(master[13]) + int(master[14]) if master else 0
        for pid in self.worker_pids():
            worker = fields(pid)
            if worker:
                total += int(worker[11]) + int(worker[12])
        return total / tick

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Bench:
    args: argparse.Namespace
    keys: dict[str, str] = field(default_factory=dict)
    seeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    servers: dict[str, Server] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    redis: subprocess.Popen[bytes] | None = None
    redis_url: str = ""
    call_connection: str = ""

    @property
    def variants(self) -> dict[str, dict[str, str]]:
        """``--variant NAME:K=V,K=V``: more API servers with other settings, in every round."""
        out = {}
        for spec in self.args.variant:
            name, _, assignments = spec.partition(":")
            out[f"api+{name}"] = dict(a.split("=", 1) for a in assignments.split(",") if a)
        return out

    def server_env(self, name: str) -> dict[str, str]:
        _app, settings_module, database = SERVERS.get(name, SERVERS["api"])
        extra = {
            # As production: INFO access log lines (to the server's log file), Redis for the
            # throttle counters. One key drives all the load, so its limits are raised; the
            # throttle check itself still runs on every request.
            "LOG_LEVEL": "INFO",
            "THROTTLE_READ_RATE": "100000000/min",
            "THROTTLE_WRITE_RATE": "100000000/min",
            "THROTTLE_ANON_RATE": "100000000/min",
        }
        if self.redis_url:
            extra["REDIS_URL"] = self.redis_url
        if self.args.workers:
            extra["WEB_CONCURRENCY"] = str(self.args.workers)
        if self.args.worker_class:
            extra["GUNICORN_WORKER_CLASS"] = self.args.worker_class
        if self.args.threads:
            extra["GUNICORN_THREADS"] = str(self.args.threads)
        # Production reuses a connection for 60 s; here for the whole run, so no backend exits
        # mid-measurement and takes its CPU time with it (reconnecting is ~0.1% of the work).
        extra["CONN_MAX_AGE"] = "3600"
        # The fake provider listens on loopback, which egress refuses unless it is listed.
        extra["EGRESS_ALLOWED_NETWORKS"] = "127.0.0.0/8"
        extra.update(self.variants.get(name, {}))
        return self.env(settings_module, database, app_name=app_name_of(name), **extra)

    def app_of(self, name: str) -> str:
        return SERVERS.get(name, SERVERS["api"])[0]

    def api_names(self) -> list[str]:
        return ["api", *self.variants]

    def env(
        self, settings_module: str, database: str, app_name: str = "bench", **extra: str
    ) -> dict[str, str]:
        url = db_url(database)
        # Names the server's PostgreSQL backends, so their CPU can be counted per server.
        url += ("&" if "?" in url else "?") + f"application_name={app_name}"
        return app_env(
            url,
            encryption_key=self.keys["current"],
            previous_keys=self.keys["previous"],
            secret_key=self.keys["secret"],
            settings_module=settings_module,
            extra=extra,
        )

    # --- 1. seeding ---------------------------------------------------------------------------
    def seed(self) -> None:
        self.keys = {"current": new_key(), "previous": new_key(), "secret": secrets.token_hex(32)}
        RESULTS_DIR.mkdir(exist_ok=True)
        for database, rows in (("weavz_bench", self.args.rows), ("weavz_bench_small", 10_000)):
            saved = RESULTS_DIR / f"seed-{database}.json"
            if self.args.reuse and saved.exists():
                self.seeds[database] = self.reuse(database, saved)
                continue
            log(f"seeding {database} with {rows:,} connections (values sealed under an old key)")
            env = self.env("weavz.settings", database, BENCH_SEAL_KEY=self.keys["previous"])
            done = subprocess.run(
                [PYTHON, "-m", "bench.seed", "--db", database, "--rows", str(rows), "--json"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                check=True,
            )
            self.seeds[database] = json.loads(done.stdout)
            # Kept for --reuse, without the API key (it is minted again then).
            public = {k: v for k, v in self.seeds[database].items() if k != "apiKey"}
            saved.write_text(json.dumps(public))
        big = self.seeds["weavz_bench"]
        (RESULTS_DIR / "get-ids.txt").write_text("\n".join(big["getIds"]) + "\n")
        (RESULTS_DIR / "resolve-users.txt").write_text(
            "\n".join(big["resolveExternalIds"] or ["nobody"]) + "\n"
        )

    def reuse(self, database: str, saved: Path) -> dict[str, Any]:
        """The last seed of `database`, with a fresh API key (its values stay under old keys)."""
        seed: dict[str, Any] = json.loads(saved.read_text())
        log(f"reusing {database} ({seed['rows']:,} rows); rotation is skipped")
        self.args.no_rotation = True
        done = subprocess.run(
            [
                *(PYTHON, "manage.py", "create_api_key", seed["orgId"], "--name", "bench"),
                *("--json", "--scopes", "connections:read,connections:write,connections:use"),
            ],
            env=self.env("weavz.settings", database),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            check=True,
        )
        seed["apiKey"] = json.loads(done.stdout)["apiKey"]
        return seed

    # --- 2. serving ---------------------------------------------------------------------------
    def start_redis(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            log("redis-server not found: throttle counters use the per-process local cache")
            return
        port = free_port()
        self.redis = subprocess.Popen(
            [
                *(server, "--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def start_servers(self) -> None:
        self.start_redis()
        for name in [*SERVERS, *self.variants]:
            port = free_port()
            log_path = RESULTS_DIR / f"server-{name.replace('@', '-').replace('+', '-')}.log"
            env = self.server_env(name)
            env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
            process = subprocess.Popen(
                [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), self.app_of(name)],
                env=env,
                cwd=ROOT,
                stdout=log_path.open("wb"),
                stderr=subprocess.STDOUT,
            )
            self.servers[name] = Server(name, port, process, log_path)
        if set(CALL_SCENARIOS) & set(self.args.scenarios):
            self.start_provider()
        for server in self.servers.values():
            if server.name != PROVIDER:
                wait_ready(server, gunicorn_settings(self.server_env(server.name))["workers"])
        workers = {n: len(s.worker_pids()) for n, s in self.servers.items()}
        log(f"servers up: {workers} workers each")
        if PROVIDER in self.servers:
            self.create_call_connection()

    def start_provider(self) -> None:
        """The fake third party: a bare WSGI app under gunicorn, 2 workers × 8 threads."""
        port = free_port()
        log_path = RESULTS_DIR / "server-provider.log"
        process = subprocess.Popen(
            [
                *(GUNICORN, "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread"),
                *("--threads", "8", "--log-level", "warning", "bench.provider_app:application"),
            ],
            cwd=ROOT,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.servers[PROVIDER] = Server(PROVIDER, port, process, log_path)

    def create_call_connection(self) -> None:
        """The connection execute and proxy use: the generic http piece, the provider as its
        base URL, the provider's key in a header. Made through the API, like a client would."""
        provider = self.servers[PROVIDER]
        deadline = time.monotonic() + 30
        while len(provider.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        status, answer = http(
            self.servers["api"],
            "/api/v1/connections",
            self.seeds["weavz_bench"]["apiKey"],
            {
                "pieceName": "http",
                "displayName": "Bench provider",
                "externalId": f"bench-provider-{self.token}",
                "value": {
                    "type": "CUSTOM_AUTH",
                    "props": {
                        "base_url": provider.base,
                        "header_name": "X-Api-Key",
                        "header_value": PROVIDER_SECRET,
                    },
                },
            },
        )
        if status != 201:
            raise RuntimeError(f"creating the provider connection failed: {status} {answer}")
        self.call_connection = answer["id"]

    def stop_servers(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait()

    # --- 3. driving ---------------------------------------------------------------------------
    def scenario(self, name: str, database: str = "weavz_bench") -> dict[str, Any]:
        seed = self.seeds[database]
        listing = f"/api/v1/connections?pieceName={seed['listPiece']}&limit=50"
        spec: dict[str, Any] = {
            "get": {"script": "get.lua", "path": "/", "data": "get-ids.txt"},
            "list": {"script": "plain.lua", "path": listing},
            "deep": {"script": "plain.lua", "path": f"{listing}&cursor={seed['deepCursor']}"},
            "create": {"script": "create.lua", "path": "/", "piece": seed["createPiece"]},
            "resolve": {
                "script": "resolve.lua",
                "path": "/",
                "data": "resolve-users.txt",
                "piece": seed["resolvePiece"],
            },
            "healthz": {"script": "plain.lua", "path": "/healthz"},
            "execute": {"script": "execute.lua", "path": "/api/v1/actions/execute"},
            "proxy": {"script": "proxy.lua", "path": "/api/v1/proxy/http/v1/items"},
        }[name]
        return spec

    def wrk(
        self, server: Server, scenario: str, seconds: float, database: str = "weavz_bench"
    ) -> dict[str, Any]:
        spec = self.scenario(scenario, database)
        if server.name == PROVIDER:
            spec = {"script": "direct.lua", "path": "/v1/items"}
        env = dict(os.environ)
        env.update(
            BENCH_CONNECTION_ID=self.call_connection,
            BENCH_API_KEY=self.seeds[database]["apiKey"],
            BENCH_WRK_DIR=str(WRK_DIR),
            BENCH_DATA_FILE=str(RESULTS_DIR / spec.get("data", "get-ids.txt")),
            BENCH_PIECE=spec.get("piece", ""),
            BENCH_RUN_TOKEN=f"{self.token}-{server.name}-{time.monotonic_ns()}",
        )
        command = [
            "wrk",
            f"-t{self.args.wrk_threads}",
            f"-c{self.args.concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_DIR / spec["script"]),
            server.base + spec["path"],
        ]
        cpu_before, pg_before = server.cpu_seconds(), pg_cpu(app_name_of(server.name))
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        cpu = server.cpu_seconds() - cpu_before
        pg_cpu_used = pg_cpu_delta(pg_before, pg_cpu(app_name_of(server.name)))
        line = next(
            (x for x in done.stdout.splitlines() if x.startswith("BENCH ")),
            None,
        )
        if line is None:
            raise RuntimeError(f"wrk printed no summary: {done.stdout} {done.stderr}")
        raw = json.loads(line[6:])
        errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
        return {
            "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50_ms": raw["p50"] / 1000,
            "p99_ms": raw["p99"] / 1000,
            "requests": raw["requests"],
            # Robust on a busy machine: what one request costs the workers, whoever else runs.
            "cpu_ms": 1000 * cpu / raw["requests"] if raw["requests"] else 0.0,
            "pg_cpu_ms": 1000 * pg_cpu_used / raw["requests"] if raw["requests"] else 0.0,
            "non2xx": raw["non2xx"],
            "errors": errors,
        }

    def preflight(self, scenario: str, server: Server) -> None:
        """One request through urllib: 2xx and the right shape, else the run is meaningless."""
        database = "weavz_bench_small" if server.name == "api@10k" else "weavz_bench"
        seed = self.seeds[database]
        spec = self.scenario(scenario, database)
        path, body = spec["path"], None
        if server.name == PROVIDER:
            return
        if scenario in CALL_SCENARIOS:
            status, answer = call_once(server, scenario, seed["apiKey"], self.call_connection)
            if status != 200 or (scenario == "execute" and not answer.get("success")):
                raise RuntimeError(f"preflight {scenario} on {server.name} failed: {answer!r}")
            return
        if scenario == "get":
            path = f"/api/v1/connections/{seed['getIds'][0]}"
        elif scenario == "create":
            path = "/api/v1/connections"
            body = {
                "pieceName": seed["createPiece"],
                "displayName": "Preflight",
                "externalId": f"preflight-{self.token}-{server.name}",
                "value": {"type": "SECRET_TEXT", "secret_text": "sk-preflight"},
            }
        elif scenario == "resolve":
            path = "/api/v1/connections/resolve"
            users = seed["resolveExternalIds"] or ["nobody"]
            body = {"pieceName": seed["resolvePiece"], "externalId": users[0]}
        status, answer = http(server, path, seed["apiKey"], body)
        problem = None
        if not 200 <= status < 300:
            problem = f"status {status}: {answer}"
        elif scenario == "deep" and answer["data"][0]["id"] != seed["deepFirstId"]:
            problem = f"deep page starts at {answer['data'][0]['id']}, not {seed['deepFirstId']}"
        elif scenario in ("list", "deep") and (len(answer["data"]) != 50 or not answer["next"]):
            problem = f"{len(answer['data'])} rows, next={answer['next']!r}"
        elif scenario == "resolve" and answer.get("source") != "EXTERNAL_ID":
            problem = f"source {answer.get('source')!r}"
        if problem:
            raise RuntimeError(f"preflight {scenario} on {server.name} failed: {problem}")

    def run_scenarios(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for scenario in self.args.scenarios:
            names = [*self.api_names(), *FLOORS] + (["api@10k"] if scenario == "list" else [])
            if scenario in CALL_SCENARIOS:
                names = [*self.api_names(), "raw", PROVIDER]
            if scenario == "resolve" and not self.seeds["weavz_bench"]["policies"]:
                log("resolve: no policies model, skipped")
                continue
            for name in names:
                self.preflight(scenario, self.servers[name])
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for name in names:  # warm-up: imports, connections, caches, JIT of nothing
                self.wrk(self.servers[name], scenario, self.args.warmup, database_of(name))
            for round_no in range(self.args.rounds):
                order = names[round_no % len(names) :] + names[: round_no % len(names)]
                for name in order:
                    runs[name].append(
                        self.wrk(
                            self.servers[name], scenario, self.args.duration, database_of(name)
                        )
                    )
            results[scenario] = {name: summarize(r) for name, r in runs.items()}
            api = results[scenario]["api"]
            log(
                f"{scenario:8} [req/s cpu-ms worker+pg] api {api['rps']:4.0f} "
                f"{api['cpu_ms']:.2f}+{api['pg_cpu_ms']:.2f} | "
                + " | ".join(
                    f"{n} {results[scenario][n]['rps']:4.0f} {results[scenario][n]['cpu_ms']:.2f}"
                    f"+{results[scenario][n]['pg_cpu_ms']:.2f}"
                    for n in names
                    if n != "api"
                )
            )
        return results

    # --- 4. the rest --------------------------------------------------------------------------
    def count_queries(self) -> dict[str, Any]:
        seed = json.dumps(self.seeds["weavz_bench"]).encode()
        out = {}
        for target, settings_module in (
            ("api", "weavz.settings"),
            ("django", "bench.django_floor.settings"),
            ("raw", "weavz.settings"),
        ):
            done = subprocess.run(
                [PYTHON, "-m", "bench.queries", target.replace("api", "app"), self.token],
                input=seed,
                env=self.env(settings_module, "weavz_bench"),
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            out[target] = json.loads(done.stdout)
        return out

    def rotation(self) -> dict[str, Any] | None:
        command = ROOT / "connections" / "management" / "commands" / "rotate_encryption_key.py"
        if not command.exists():
            log("rotation: rotate_encryption_key does not exist yet, skipped")
            return None
        server = self.servers["api"]
        seed = self.seeds["weavz_bench"]
        env = dict(os.environ)
        env.update(
            BENCH_API_KEY=seed["apiKey"],
            BENCH_WRK_DIR=str(WRK_DIR),
            BENCH_DATA_FILE=str(RESULTS_DIR / "get-ids.txt"),
        )
        # The API keeps answering GETs while every seeded row is re-encrypted.
        load = subprocess.Popen(
            [
                "wrk",
                f"-t{self.args.wrk_threads}",
                f"-c{self.args.concurrency}",
                "-d600s",
                "-s",
                str(WRK_DIR / "get.lua"),
                server.base + "/",
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        started = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "manage.py", "rotate_encryption_key", "--json"],
            env=self.env("weavz.settings", "weavz_bench"),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        load.send_signal(signal.SIGINT)
        wrk_out, _ = load.communicate(timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"rotate_encryption_key failed: {done.stderr[-2000:]}")
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        line = next((x for x in wrk_out.splitlines() if x.startswith("BENCH ")), None)
        during = json.loads(line[6:]) if line else None
        result = {
            "rotated": summary.get("rotated"),
            "failed": summary.get("failed"),
            "remaining": summary.get("remaining"),
            "seconds": round(elapsed, 2),
            "rowsPerSecond": round((summary.get("rotated") or 0) / elapsed),
        }
        if during:
            result["apiDuring"] = {
                "rps": round(during["requests"] / (during["duration_us"] / 1e6)),
                "p50_ms": round(during["p50"] / 1000, 2),
                "p99_ms": round(during["p99"] / 1000, 2),
                "non2xx": during["non2xx"],
                # Keep-alive connections closed as gunicorn recycles a worker, not answers.
                "socketErrors": during["connect"]
                + during["read"]
                + during["write"]
                + during["timeout"],
            }
        log(f"rotation: {result}")
        return result


def app_name_of(server_name: str) -> str:
    return "bench-" + server_name.replace("@", "-").replace("+", "-")


def pg_cpu(app_name: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving one server (same machine only)."""
    tick = os.sysconf("SC_CLK_TCK")
    with psycopg.connect(db_url("weavz_bench"), autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app_name,)
            )
        ]
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def pg_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    # A backend that ended meanwhile (its worker recycled) is lost: a slight undercount.
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def database_of(server_name: str) -> str:
    return SERVERS.get(server_name, SERVERS["api"])[2]


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "cpu_ms": round(statistics.median(r["cpu_ms"] for r in runs), 3),
        "pg_cpu_ms": round(statistics.median(r["pg_cpu_ms"] for r in runs), 3),
        "errors": sum(r["errors"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "rounds": [round(r["rps"]) for r in runs],
    }


def http(
    server: Server, path: str, api_key: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - a local http URL we built
        server.base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {api_key}",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
        },
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:500]


def call_once(server: Server, scenario: str, api_key: str, connection_id: str) -> tuple[int, Any]:
    """One execute or proxy request, as wrk sends it."""
    if scenario == "execute":
        body = {
            "pieceName": "http",
            "actionName": "http_request",
            "connectionId": connection_id,
            "input": {"method": "GET", "path": "/v1/items"},
        }
        return http(server, "/api/v1/actions/execute", api_key, body)
    request = urllib.request.Request(  # noqa: S310 - a local http URL we built
        server.base + "/api/v1/proxy/http/v1/items",
        headers={
            "Authorization": f"Bearer {api_key}",
            "X-Forwarded-Proto": "https",
            "Weavz-Connection-Id": connection_id,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:500]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(server: Server, workers: int, timeout: float = 60) -> None:
    """Until /healthz answers and every worker has forked."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited; see {server.log_path}")
        try:
            status, _ = http(server, "/healthz", "")
            if status == 200 and len(server.worker_pids()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer /healthz in {timeout}s")


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk (the HTTP load generator) is missing: installing it with `apt-get install -y wrk`")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
        return
    sys.exit("wrk is missing: install it (`sudo apt-get install wrk` on Debian/Ubuntu).")


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    pg = subprocess.run(
        ["psql", db_url("weavz_bench"), "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memoryGb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "kernel": platform.release(),
    }


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def cpu_ratio(floor: dict[str, Any], api: dict[str, Any]) -> float | None:
    """The floor's CPU per request over the API's: the req/s ratio an idle machine would show."""
    return ratio(floor["cpu_ms"] + floor["pg_cpu_ms"], api["cpu_ms"] + api["pg_cpu_ms"])


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
        f"PostgreSQL {report['machine']['postgresql']}, Python {report['machine']['python']}. "
        f"{report['rows']:,} connections; gunicorn {report['gunicorn']}; wrk "
        f"-c{report['concurrency']}, {report['rounds']} rounds × {report['duration']}s, medians.",
        "",
        "| scenario | API req/s | p50 ms | p99 ms | raw req/s | Django req/s | API/raw "
        "| API/Django | CPU ms/req worker+PostgreSQL (API / Django / raw) | CPU raw/API | queries "
        "(API/Django/raw) | non-2xx / socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|",
    ]
    queries = report.get("queries", {})
    for scenario, by_server in report["scenarios"].items():
        api, raw = by_server["api"], by_server["raw"]
        # Call scenarios have no Django floor: their yardstick is the raw floor and the provider.
        dj = by_server.get("django") or {"rps": 0, "cpu_ms": 0.0, "pg_cpu_ms": 0.0}
        q = "/".join(
            str(queries.get(t, {}).get(scenario, {}).get("queries", "?"))
            for t in ("api", "django", "raw")
        )
        non2xx = sum(s.get("non2xx", 0) for s in by_server.values())
        errors = f"{non2xx} / {sum(s['errors'] for s in by_server.values()) - non2xx}"
        cpu = " / ".join(f"{x['cpu_ms']:.2f}+{x['pg_cpu_ms']:.2f}" for x in (api, dj, raw))
        if "django" not in by_server:  # the call scenarios: no Django floor, no query count
            cpu = f"{api['cpu_ms']:.2f}+{api['pg_cpu_ms']:.2f} / — / "
            cpu += f"{raw['cpu_ms']:.2f}+{raw['pg_cpu_ms']:.2f}"
            q = "2/—/2"
        django_rps = f"{dj['rps']:.0f}" if "django" in by_server else "—"
        lines.append(
            f"| {scenario} | {api['rps']:.0f} | {api['p50_ms']:.2f} | {api['p99_ms']:.2f} "
            f"| {raw['rps']:.0f} | {django_rps} | {ratio(api['rps'], raw['rps'])} "
            f"| {ratio(api['rps'], dj['rps']) or '—'} | {cpu} | {cpu_ratio(raw, api)} "
            f"| {q} | {errors} |"
        )
        for name, variant in by_server.items():
            if name == PROVIDER:
                lines.append(
                    f"| ↳ {scenario}: provider called directly | {variant['rps']:.0f} "
                    f"| {variant['p50_ms']:.2f} | {variant['p99_ms']:.2f} | | | | | | | | |"
                )
            if name.startswith("api+"):
                lines.append(
                    f"| ↳ {name} | {variant['rps']:.0f} | {variant['p50_ms']:.2f} "
                    f"| {variant['p99_ms']:.2f} | | | {ratio(variant['rps'], raw['rps'])} "
                    f"| {ratio(variant['rps'], dj['rps'])} "
                    f"| {variant['cpu_ms']:.2f}+{variant['pg_cpu_ms']:.2f} "
                    f"| {cpu_ratio(raw, variant)} | | {variant.get('non2xx', 0)} / "
                    f"{variant['errors'] - variant.get('non2xx', 0)} |"
                )
    lines.append("")
    for line in report["checks"]:
        lines.append(f"- {line}")
    return "\n".join(lines)


def checks(report: dict[str, Any]) -> list[str]:
    out = []
    scenarios = report["scenarios"]
    for scenario, floor in TARGETS.items():
        if scenario in scenarios:
            api, raw = scenarios[scenario]["api"], scenarios[scenario]["raw"]
            r = ratio(api["rps"], raw["rps"]) or 0
            c = cpu_ratio(raw, api)
            mark = "PASS" if r >= floor else "FAIL"
            out.append(
                f"{mark} {scenario}: API/raw {r} req/s (target ≥ {floor}); "
                f"CPU per request (worker + PostgreSQL) raw/API {c}"
            )
    if "list" in scenarios and "deep" in scenarios:
        first, deep = scenarios["list"]["api"]["p50_ms"], scenarios["deep"]["api"]["p50_ms"]
        r = ratio(deep, first) or 0
        out.append(
            f"{'PASS' if r <= 1.3 else 'FAIL'} deep page {report['deepPage']} p50 "
            f"{deep} ms = {r}× first page {first} ms (target ≤ 1.3)"
        )
        small = scenarios["list"].get("api@10k")
        if small:
            r = ratio(first, small["p50_ms"]) or 0
            out.append(
                f"{'PASS' if r <= 1.3 else 'FAIL'} list p50 at {report['rows']:,} rows {first} ms "
                f"= {r}× at 10,000 rows {small['p50_ms']} ms (target ≤ 1.3)"
            )
    for scenario in CALL_SCENARIOS:
        if scenario not in scenarios:
            continue
        api, raw = scenarios[scenario]["api"], scenarios[scenario]["raw"]
        p99 = ratio(api["p99_ms"], raw["p99_ms"]) or 0
        out.append(
            f"{'PASS' if p99 <= 2 else 'FAIL'} {scenario}: API p99 {api['p99_ms']} ms = {p99}× "
            f"the raw floor's {raw['p99_ms']} ms (target ≤ 2)"
        )
        direct = scenarios[scenario].get(PROVIDER)
        if direct:
            out.append(
                f"{scenario}: added latency over calling the provider directly: p50 "
                f"{api['p50_ms'] - direct['p50_ms']:.2f} ms, p99 "
                f"{api['p99_ms'] - direct['p99_ms']:.2f} ms (API {api['p50_ms']} / "
                f"{api['p99_ms']} ms, provider {direct['p50_ms']} / {direct['p99_ms']} ms)"
            )
    for scenario in ("get", "list", "resolve"):
        n = report.get("queries", {}).get("api", {}).get(scenario, {}).get("queries")
        if n is not None:
            out.append(f"{'PASS' if n <= 2 else 'FAIL'} {scenario}: {n} queries (target ≤ 2)")
    non2xx = sum(s["non2xx"] for by in scenarios.values() for s in by.values())
    errors = sum(s["errors"] for by in scenarios.values() for s in by.values())
    # Socket errors come from keep-alive connections closed as gunicorn recycles a worker
    # (max_requests); they are reported, but only error responses fail the run.
    out.append(
        f"{'PASS' if non2xx == 0 else 'FAIL'} error responses (non-2xx): {non2xx}; "
        f"socket errors: {errors - non2xx}"
    )
    rotation = report.get("rotation")
    if rotation:
        during = rotation.get("apiDuring", {})
        out.append(
            f"{'PASS' if rotation['rowsPerSecond'] >= 5000 else 'FAIL'} rotation: "
            f"{rotation['rotated']:,} rows in {rotation['seconds']}s = "
            f"{rotation['rowsPerSecond']:,} rows/s (target ≥ 5,000); API meanwhile "
            f"{during.get('rps')} req/s, p99 {during.get('p99_ms')} ms, "
            f"{during.get('non2xx')} non-2xx, {during.get('socketErrors')} socket errors"
        )
    seed = report["seed"]
    out.append(f"seeding: {seed['rows']:,} rows at {seed['rowsPerSecond']:,} rows/s (COPY)")
    rss = report.get("workerRssMb", {})
    out.append(
        "worker RSS (MB, median): "
        + ", ".join(f"{n} {statistics.median(v) if v else '?'}" for n, v in rss.items())
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the API against its floors.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=8, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf)")
    parser.add_argument("--worker-class", help="GUNICORN_WORKER_CLASS (sync, gthread)")
    parser.add_argument("--threads", type=int, help="GUNICORN_THREADS (gthread)")
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    parser.add_argument("--no-rotation", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the last seeded databases (skips rotation)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME:K=V,…",
        help="an extra API server with these environment overrides (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json")
    args = parser.parse_args(argv)

    ensure_wrk()
    RESULTS_DIR.mkdir(exist_ok=True)
    bench = Bench(args)
    bench.seed()
    bench.start_servers()
    try:
        scenarios = bench.run_scenarios()
        rss = {name: s.worker_rss_mb() for name, s in bench.servers.items()}
        queries = bench.count_queries()
        rotation = None if args.no_rotation else bench.rotation()
    finally:
        bench.stop_servers()
    big = bench.seeds["weavz_bench"]
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "rows": args.rows,
        "duration": args.duration,
        "rounds": args.rounds,
        "concurrency": args.concurrency,
        "gunicorn": gunicorn_summary(bench),
        "deepPage": big["deepPage"],
        "seed": {k: big[k] for k in ("rows", "seedSeconds", "rowsPerSecond")},
        "scenarios": scenarios,
        "queries": queries,
        "workerRssMb": rss,
        "rotation": rotation,
    }
    report["checks"] = checks(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))
    log(f"results: {args.out}")
    return 0


def gunicorn_settings(env: dict[str, str]) -> dict[str, Any]:
    """What gunicorn.conf.py resolves to under `env`: the servers' real settings."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def gunicorn_summary(bench: Bench) -> str:
    conf = gunicorn_settings(bench.server_env("api"))
    kind, threads = conf["worker_class"], conf["threads"]
    return f"{conf['workers']} {kind} workers" + (f" × {threads} threads" if threads > 1 else "")


if __name__ == "__main__":
    sys.exit(main())
