"""Benchmark the live practice service against a bare FastAPI websocket echo, measured in the same run.

    python bench/bench_service.py          # 100/500/1000 sessions on SQLite, + saturation on PostgreSQL
    python bench/bench_service.py --sessions 100 --no-saturation

Each session: 10 agent turns with the scripted customer, pausing 2 s after every reply. Per turn: the time
from the send to the first reply frame (the first ``reply_delta``) and to the complete ``reply``; throughput;
server memory per idle connection. Saturation: no pause, rising concurrency, the turns/s at which the p99
of the full turn passes 100 ms, for one and two replicas on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "tests" / "api" / "content"
KEY = "sck_bench-trainer-key-00000000000000000000"
LINES = [
    "I'm sorry you were charged twice, that's frustrating. When did the charges appear?",
    "So both charges came out on the same day. What happened when you noticed them?",
    "That sounds stressful, especially this month. Can you tell me more about the order?",
    "I'm looking into this for you now. What would help you most today?",
    "Thanks for bearing with me. How has this affected your plans?",
]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tree(pid: int) -> list[int]:
    """A process and all its descendants (uvicorn workers are children of the serving process)."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            out.extend(tree(int(child)))
    return out


def rss_kb(pid: int) -> int:
    """Resident memory of a process tree in KiB."""
    total = 0
    for p in tree(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process tree has used (threads included)."""
    total = 0
    for p in tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), in the values' unit."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# ----------------------------------------------------------------------------- servers


class Proc:
    """A server subprocess on loopback, ready once /healthz (or the echo's /) answers."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, health: str) -> None:
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="bench-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(Path(self.log.name).read_text())
            try:
                if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def rss_kb(self) -> int:
        """Server resident memory."""
        return rss_kb(self.proc.pid)

    def stop(self) -> None:
        """Kill the server and its worker processes (they outlive a killed parent otherwise)."""
        if self.proc.poll() is None:
            for pid in reversed(tree(self.proc.pid)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)  # kept only while the server runs: read on failure


KEEP_ENGINE = {"value": "false"}


def start_service(database_url: str, workers: int = 1) -> Proc:
    """One ``simcoach serve`` replica."""
    port = free_port()
    env = {
        **os.environ,
        "SIMCOACH_KEEP_ENGINE_BETWEEN_TURNS": KEEP_ENGINE["value"],
        "SIMCOACH_DATABASE_URL": database_url,
        "SIMCOACH_TRAINER_API_KEY": KEY,
        "SIMCOACH_ADMIN_API_KEY": KEY.replace("sck_", "sca_"),
        "SIMCOACH_LOG_LEVEL": "warning",
    }
    argv = [sys.executable, "-m", "simcoach", "serve", "--port", str(port), "--content", str(CONTENT)]
    return Proc([*argv, "--workers", str(workers)], env, port, "/healthz")


def start_echo() -> Proc:
    """The bare FastAPI websocket echo (this file's ``echo-server`` command)."""
    port = free_port()
    return Proc([sys.executable, __file__, "echo-server", "--port", str(port)], dict(os.environ), port, "/")


def echo_server(port: int) -> None:
    """A bare FastAPI app: every text frame is sent straight back."""
    import uvicorn

    app = FastAPI()

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/ws")
    async def ws(socket_: WebSocket) -> None:
        await socket_.accept()
        try:
            while True:
                await socket_.send_text(await socket_.receive_text())
        except WebSocketDisconnect:
            return

    # The same websocket settings as ``simcoach serve`` so the comparison isolates the application.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False)


# ----------------------------------------------------------------------------- clients


@dataclass
class Timings:
    """Per-turn latencies in milliseconds."""

    first: list[float] = field(default_factory=list)
    complete: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict[str, float]:
        """p50/p99 of both."""
        return {
            "turns": len(self.complete),
            "first_p50": percentile(self.first, 50),
            "first_p99": percentile(self.first, 99),
            "complete_p50": percentile(self.complete, 50),
            "complete_p99": percentile(self.complete, 99),
            "errors": self.errors,
        }


async def create_sessions(base: str, n: int) -> list[dict[str, Any]]:
    """Create n sessions (coach mode) through the REST API."""
    sem = asyncio.Semaphore(16)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {KEY}"}, timeout=60
    ) as http:

        async def one(i: int) -> dict[str, Any]:
            async with sem:
                got = await http.post(
                    "/api/v1/sessions",
                    json={
                        "learner": f"bench-{i % 50}",
                        "scenario": "test-double-charge",
                        "mode": "coach",
                        "seed": i,
                    },
                )
                got.raise_for_status()
                body: dict[str, Any] = got.json()
                return body

        return list(await asyncio.gather(*(one(i) for i in range(n))))


async def open_all(urls: list[str], hello: bool) -> list[ClientConnection]:
    """Open every connection (bounded handshake concurrency); read the session frame if one is sent."""
    sem = asyncio.Semaphore(64)

    async def one(url: str) -> ClientConnection:
        async with sem:
            conn = await connect(url, open_timeout=60, max_size=None, ping_interval=None)
            if hello:
                await conn.recv()
            return conn

    return list(await asyncio.gather(*(one(u) for u in urls)))


async def service_turn(conn: ClientConnection, cmid: str, text: str, t: Timings) -> bool:
    """One agent turn; times to the first reply_delta and to the reply; False if the session had ended."""
    start = time.perf_counter()
    await conn.send(json.dumps({"type": "agent_message", "client_message_id": cmid, "text": text}))
    first: float | None = None
    while True:
        frame = json.loads(await conn.recv())
        kind = frame["type"]
        if kind == "reply_delta" and first is None:
            first = time.perf_counter()
        elif kind == "reply":
            done = time.perf_counter()
            t.first.append(((first or done) - start) * 1000)
            t.complete.append((done - start) * 1000)
        elif kind == "state":
            return True
        elif kind == "error":
            if frame["code"] != "session_finished":  # the customer hung up or accepted: not a failure
                t.errors += 1
            return False
    return False


async def echo_turn(conn: ClientConnection, cmid: str, text: str, t: Timings) -> bool:
    """One echo round trip (the first and the complete frame are the same frame)."""
    start = time.perf_counter()
    await conn.send(json.dumps({"type": "agent_message", "client_message_id": cmid, "text": text}))
    await conn.recv()
    ms = (time.perf_counter() - start) * 1000
    t.first.append(ms)
    t.complete.append(ms)
    return True


async def run_paced(
    conns: list[ClientConnection], turns: int, pause: float, echo: bool
) -> tuple[Timings, float]:
    """Every connection plays ``turns`` turns, pausing after each reply; starts spread over one pause."""
    t = Timings()
    play = echo_turn if echo else service_turn

    async def session(i: int, conn: ClientConnection) -> None:
        await asyncio.sleep(random.uniform(0, pause))  # spread the sessions as real trainees would be
        for k in range(turns):
            await play(conn, f"c{k}", LINES[(i + k) % len(LINES)], t)
            await asyncio.sleep(pause)

    started = time.perf_counter()
    await asyncio.gather(*(session(i, c) for i, c in enumerate(conns)))
    return t, time.perf_counter() - started


async def settle_rss(proc: Proc) -> int:
    """RSS after the server has gone quiet for a moment (reading it twice, 0.5 s apart, must agree)."""
    last = proc.rss_kb()
    for _ in range(10):
        await asyncio.sleep(0.5)
        now = proc.rss_kb()
        if abs(now - last) < 256:
            return now
        last = now
    return last


async def paced_run(
    kind: str, n: int, turns: int, pause: float, database_url: str, workers: int = 1
) -> dict[str, Any]:
    """One paced run against the service or the echo, with memory per idle connection."""
    proc = start_echo() if kind == "echo" else start_service(database_url, workers)
    try:
        base, ws_base = f"http://127.0.0.1:{proc.port}", f"ws://127.0.0.1:{proc.port}"
        if kind == "echo":
            urls = [f"{ws_base}/ws"] * n
        else:
            sessions = await create_sessions(base, n)
            urls = [f"{ws_base}{s['websocket_path']}?token={s['token']}" for s in sessions]
        before = await settle_rss(proc)
        conns = await open_all(urls, hello=kind != "echo")
        connected = await settle_rss(proc)
        # The load generator's own full garbage collections (~70 ms with 500 open connections) stall
        # every client at once and showed up as the server's tail: keep the connections out of them.
        gc.collect()
        gc.freeze()
        cpu_before, client_before = cpu_s(proc.proc.pid), time.process_time()
        timings, wall = await run_paced(conns, turns, pause, echo=kind == "echo")
        cpu_used = cpu_s(proc.proc.pid) - cpu_before
        client_used = time.process_time() - client_before
        after = await settle_rss(proc)
        for c in conns:
            await c.close()
        gc.unfreeze()
        return {
            "kind": kind if workers == 1 else f"{kind} x{workers} workers",
            "sessions": n,
            **timings.summary(),
            "turns_per_s": len(timings.complete) / wall,
            "server_cpu_ms_per_turn": 1000 * cpu_used / max(1, len(timings.complete)),
            # The load generator runs on the same cores: what it spends competes with the server.
            "client_cpu_ms_per_turn": 1000 * client_used / max(1, len(timings.complete)),
            "kb_per_idle_connected": (connected - before) / n,
            "kb_per_idle_after_turns": (after - before) / n,
        }
    finally:
        proc.stop()


async def saturation(
    urls_for: list[str], bases: list[str], levels: list[int], seconds: float
) -> list[dict[str, Any]]:
    """No pause: for each concurrency level, turns/s and full-turn p99 over ``seconds``."""
    out = []
    for level in levels:
        sessions = []
        for i in range(level):
            sessions.extend(await create_sessions(bases[i % len(bases)], 1))
        urls = [
            f"{urls_for[i % len(urls_for)]}{s['websocket_path']}?token={s['token']}"
            for i, s in enumerate(sessions)
        ]
        conns = await open_all(urls, hello=True)
        t = Timings()
        stop = time.perf_counter() + seconds

        async def loop(
            i: int,
            conn: ClientConnection,
            t: Timings = t,
            stop: float = stop,
            conns: list[ClientConnection] = conns,
        ) -> None:
            k = 0
            while time.perf_counter() < stop:
                if not await service_turn(conn, f"s{k}", LINES[(i + k) % len(LINES)], t) or k >= 35:
                    # The session ended (the scripted customer hung up): carry on in a new one.
                    await conn.close()
                    base = bases[i % len(bases)]
                    fresh = (await create_sessions(base, 1))[0]
                    ws = urls_for[i % len(urls_for)]
                    conn = (await open_all([f"{ws}{fresh['websocket_path']}?token={fresh['token']}"], True))[
                        0
                    ]
                    conns[i] = conn
                    k = 0
                    continue
                k += 1

        started = time.perf_counter()
        await asyncio.gather(*(loop(i, c) for i, c in enumerate(conns)))
        wall = time.perf_counter() - started
        for c in conns:
            await c.close()
        row = {"concurrency": level, "turns_per_s": len(t.complete) / wall, **t.summary()}
        out.append(row)
        print(
            f"  saturation x{len(bases)} c={level}: {row['turns_per_s']:.0f} turns/s, "
            f"p99 {row['complete_p99']:.1f} ms"
        )
        if row["complete_p99"] > 100:
            break
    return out


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Run every phase and return the results."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:  # the SQLite database, removed afterwards
        return await _phases(args, args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")


async def _phases(args: argparse.Namespace, sqlite: str) -> dict[str, Any]:
    results: dict[str, Any] = {
        "load_before": os.getloadavg(),
        "keep_engine": KEEP_ENGINE["value"],
        "paced": [],
        "saturation": {},
    }
    for n in args.sessions:
        for kind, workers in (
            ("echo", 1),
            ("service", 1),
            *((("service", w),) if (w := args.workers) > 1 else ()),
        ):
            row = await paced_run(kind, n, args.turns, args.pause, sqlite, workers)
            results["paced"].append(row)
            print(json.dumps(row))
    if args.saturation:
        for replicas in (1, 2):
            procs = [start_service(args.pg_url) for _ in range(replicas)]
            try:
                bases = [f"http://127.0.0.1:{p.port}" for p in procs]
                ws = [f"ws://127.0.0.1:{p.port}" for p in procs]
                results["saturation"][str(replicas)] = await saturation(ws, bases, args.levels, args.seconds)
            finally:
                for p in procs:
                    p.stop()
    results["load_after"] = os.getloadavg()
    return results


def reset_postgres(url: str) -> None:
    """Fresh schema on the benchmark PostgreSQL database."""
    from simcoach.store.testing import reset_schema

    asyncio.run(reset_schema(url))


def cli() -> None:
    """Parse arguments and run."""
    if len(sys.argv) > 1 and sys.argv[1] == "echo-server":
        echo_server(int(sys.argv[sys.argv.index("--port") + 1]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=lambda s: [int(x) for x in s.split(",")], default=[100, 500, 1000])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--pause", type=float, default=2.0)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/simcoach_bench")
    parser.add_argument("--saturation", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4, 8, 16, 32, 64]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2, help="also run the service with this many workers")
    parser.add_argument("--keep-engine", action="store_true", help="SIMCOACH_KEEP_ENGINE_BETWEEN_TURNS=true")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args()
    KEEP_ENGINE["value"] = "true" if args.keep_engine else "false"
    if args.saturation:
        reset_postgres(args.pg_url)
    if args.database_url and not args.database_url.startswith("sqlite"):
        reset_postgres(args.database_url)
    results = asyncio.run(main(args))
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    cli()
