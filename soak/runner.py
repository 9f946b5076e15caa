"""``make soak``: set up, load, break things on purpose, check, print the figures.

1. A throwaway PostgreSQL cluster (:mod:`.cluster`), migrated, with the curriculum, the demo
   organisation and the simulated people (``soak_seed``).
2. gunicorn serving ``config.wsgi`` with production settings (DEBUG off, a fresh SECRET_KEY,
   persistent connections with health checks), only the https redirect and secure cookies off
   because the soak speaks plain http on loopback.
3. The simulated users (:mod:`.load`) log in one by one over a ramp-up, then do their journeys.
4. Faults: at 1/3 of the run PostgreSQL restarts; at 1/2 one gunicorn worker gets SIGKILL; at 2/3
   the whole app server (master and workers) gets SIGKILL while writes are in flight and is started
   again. A probe measures when the app serves again.
5. Afterwards ``soak_verify`` checks every acknowledged write and the invariants; the figures are
   printed and written to data/soak/last.json. The exit status is 1 when a promise is broken.
"""

import argparse
import json
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import requests

from .cluster import Cluster, free_port
from .load import Client, Failed, Recorder, Sample, SimulatedUser

BASE_DIR = Path(__file__).resolve().parents[1]
PROBE = "soak-probe"
# The allowance, written down: after PostgreSQL is back, the app serves again within this many
# seconds without being restarted. (After the app-server crash the time is measured, not promised:
# it is mostly gunicorn starting again, which is the process manager's job in production.)
RECOVERY_LIMIT_SECONDS = 30.0
PROBE_LIMIT_SECONDS = 120.0


@dataclass
class Fault:
    name: str
    at: float  # seconds after the load started
    window_start: float  # monotonic clock
    window_end: float = 0.0
    outage_seconds: float = 0.0  # from the fault to the first good answer
    recovery_seconds: float = 0.0  # from the database being back to the first good answer
    detail: str = ""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class AppServer:
    """gunicorn in its own process group, so that the crash test kills exactly what we started."""

    def __init__(self, env: dict[str, str], port: int, workers: int, log: Path) -> None:
        self.env, self.port, self.workers, self.log = env, port, workers, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", "sync",
            "--timeout", "60", "--graceful-timeout", "30", "--max-requests", "1000", "--max-requests-jitter", "100",
            "--log-level", "warning",
        ]  # fmt: skip
        # Its output (and Django's log of the 500s during a fault) goes to the log, not the report.
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=BASE_DIR, env=self.env, start_new_session=True, stdout=output, stderr=output
            )
        # Started means listening. Whether it also serves is for the caller to find out: after a
        # crash, a request to see that would queue behind the simulated users' and time out.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s:
                s.settimeout(1)
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not listen within 120 s")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_all(self) -> None:
        """SIGKILL to the master and every worker at once: a crash, no chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()


def app_env(database_url: str, root: Path, redis_url: str = "") -> dict[str, str]:
    """The app's environment. Without ``redis_url`` no Redis (the default: the database alone under its
    faults); with it, Redis for the cache and sessions as in production (``SOAK_REDIS_URL``)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http on loopback: no redirect to https, cookies without the Secure flag, no HSTS.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="60",
        CONN_HEALTH_CHECKS="true",
        MEDIA_DIR=str(root / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    # Nearest rank: the smallest value with at least p per cent of the values at or below it.
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def in_window(sample: Sample, faults: list[Fault]) -> Fault | None:
    return next((f for f in faults if sample.start <= f.window_end and sample.end >= f.window_start), None)


def probe_until_ok(probe: Client, since: float, limit: float) -> float:
    """Poll a page that needs the database until it answers 200; seconds since ``since``, or -1."""
    while time.monotonic() - since < limit:
        try:
            probe.request("probe", "GET", "/coach/")
            return time.monotonic() - since
        except Failed:
            time.sleep(0.2)
    return -1.0


def wait_for_writes_in_flight(recorder: Recorder, at_least: int, limit: float) -> int:
    deadline = time.monotonic() + limit
    while recorder.writes_in_flight < at_least and time.monotonic() < deadline:
        time.sleep(0.005)
    return recorder.writes_in_flight


def run_faults(
    *, seconds: float, t0: float, cluster: Cluster, server: AppServer, probe: Client, recorder: Recorder
) -> list[Fault]:
    faults: list[Fault] = []

    def wait_until(fraction: float) -> None:
        time.sleep(max(0.0, t0 + seconds * fraction - time.monotonic()))

    wait_until(1 / 3)
    master = server.process.pid if server.process else 0
    fault = Fault("PostgreSQL restart", time.monotonic() - t0, time.monotonic())
    restart_took = cluster.restart()
    fault.outage_seconds = probe_until_ok(probe, fault.window_start, PROBE_LIMIT_SECONDS)
    fault.recovery_seconds = fault.outage_seconds - restart_took if fault.outage_seconds >= 0 else -1.0
    fault.window_end = time.monotonic()
    same = server.process is not None and server.process.pid == master and server.process.poll() is None
    fault.detail = (
        f"pg_ctl restart -m fast took {restart_took:.1f} s; app served again "
        f"{fault.recovery_seconds:.1f} s after the database was back; "
        f"gunicorn {'not restarted' if same else 'RESTARTED OR GONE'}"
    )
    faults.append(fault)

    wait_until(1 / 2)
    in_flight = wait_for_writes_in_flight(recorder, 1, 5.0)
    victim = random.choice(server.worker_pids())
    fault = Fault("SIGKILL one gunicorn worker", time.monotonic() - t0, time.monotonic())
    os.kill(victim, signal.SIGKILL)
    fault.outage_seconds = probe_until_ok(probe, fault.window_start, PROBE_LIMIT_SECONDS)
    fault.window_end = max(time.monotonic(), fault.window_start + 1.0)
    fault.detail = f"{in_flight} write(s) in flight at the kill; the master started a new worker"
    faults.append(fault)

    wait_until(2 / 3)
    in_flight = wait_for_writes_in_flight(recorder, 2, 5.0)
    fault = Fault("SIGKILL the app server", time.monotonic() - t0, time.monotonic())
    server.kill_all()
    server.start()
    fault.outage_seconds = probe_until_ok(probe, fault.window_start, PROBE_LIMIT_SECONDS)
    fault.window_end = time.monotonic()
    fault.detail = f"{in_flight} write(s) in flight at the kill; gunicorn started again by the soak"
    faults.append(fault)
    return faults


def figures(
    *,
    recorder: Recorder,
    faults: list[Fault],
    duration: float,
    verified: dict[str, Any],
    context: dict[str, Any],
    t0: float = 0.0,
) -> dict[str, Any]:
    """The report. Times in it are seconds after the load started (``t0``, monotonic clock)."""
    outside = [s for s in recorder.samples if in_window(s, faults) is None]
    during = [s for s in recorder.samples if in_window(s, faults) is not None]
    errors = [s for s in outside if not s.ok]
    failed_during = [s for s in during if not s.ok]
    # A 500 is a bug at any moment: a lost database answers 503 "even geduld" (config/errors.py).
    server_errors = [s for s in recorder.samples if s.status == 500]
    # How requests failed during faults: 0 is no answer (refused, reset, timed out), 503 is the
    # expected "even geduld". What must hold besides: nothing answered as saved is missing, nothing
    # is half saved.
    statuses: dict[str, int] = defaultdict(int)
    for s in failed_during:
        statuses[str(s.status)] += 1
    latencies = [1000 * (s.end - s.start) for s in outside if s.ok]
    per_kind: dict[str, list[Sample]] = defaultdict(list)
    for s in recorder.samples:
        per_kind[s.kind].append(s)
    writes = verified["writes"]
    fault_rows = []
    for f in faults:
        hit = [s for s in failed_during if in_window(s, [f]) is f]
        fault_rows.append(
            {
                **asdict(f),
                "window_start": round(f.window_start - t0, 2),
                "window_end": round(f.window_end - t0, 2),
                "failed_requests": len(hit),
            }
        )
    promises = {
        "zero errors outside the fault windows": not errors,
        "no response with status 500, also during the faults": not server_errors,
        "every acknowledged write is in the database": not writes["lost"],
        "no write is in the database twice": not writes["duplicated"],
        "no partial record (invariants hold)": not verified["invariant_violations"],
        f"the app serves again within {RECOVERY_LIMIT_SECONDS:.0f} s of the database restart, by itself": not faults
        or (0 <= faults[0].recovery_seconds <= RECOVERY_LIMIT_SECONDS and "not restarted" in faults[0].detail),
        "the app serves again after every fault": all(f.outage_seconds >= 0 for f in faults),
        "writes were made": writes["acknowledged_total"] > 0,
    }
    return {
        **context,
        "duration_seconds": round(duration, 1),
        "requests": {
            "total": len(recorder.samples),
            "per_second": round(len(recorder.samples) / duration, 1) if duration else 0,
            "per_kind": {
                kind: {
                    "count": len(ss),
                    "failed": sum(not s.ok for s in ss),
                    "p50_ms": round(percentile([1000 * (s.end - s.start) for s in ss if s.ok], 50)),
                    "p95_ms": round(percentile([1000 * (s.end - s.start) for s in ss if s.ok], 95)),
                }
                for kind, ss in sorted(per_kind.items())
            },
        },
        "latency_ms_outside_faults": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies, default=0), 1),
            "mean": round(statistics.fmean(latencies), 1) if latencies else 0,
        },
        "errors_outside_faults": len(errors),
        "error_examples": [
            {**asdict(s), "start": round(s.start - t0, 2), "end": round(s.end - t0, 2)} for s in errors[:10]
        ],
        "failed_during_faults": len(failed_during),
        "status_500_total": len(server_errors),
        "failed_during_faults_by_status": dict(sorted(statuses.items())),
        "faults": fault_rows,
        "writes": writes,
        "invariant_violations": verified["invariant_violations"],
        "promises": promises,
        "ok": all(promises.values()),
    }


def report_text(result: dict[str, Any]) -> str:
    r, lat, w = result["requests"], result["latency_ms_outside_faults"], result["writes"]
    lines = [
        f"Soak: {result['users']} users ({result['roles']}), {result['duration_seconds']} s, "
        f"gunicorn {result['workers']} sync workers{', Redis' if result.get('redis') else ''}, {result['cpus']} CPUs, "
        f"load before {result['load_before']}",
        f"Requests: {r['total']} ({r['per_second']}/s); latency outside faults p50 {lat['p50']} ms, "
        f"p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms",
    ]
    for kind, k in r["per_kind"].items():
        lines.append(
            f"  {kind:<24} {k['count']:>6}  failed {k['failed']:>3}  p50 {k['p50_ms']:>5} ms  p95 {k['p95_ms']:>5} ms"
        )
    lines.append(
        f"Errors outside faults: {result['errors_outside_faults']}; failed during faults: "
        f"{result['failed_during_faults']} (by status, 0 = no answer: {result['failed_during_faults_by_status']})"
    )
    for f in result["faults"]:
        lines.append(
            f"Fault at {f['at']:.0f} s: {f['name']}: serving again after {f['outage_seconds']:.1f} s; "
            f"{f['failed_requests']} requests failed; {f['detail']}"
        )
    lines.append(
        f"Writes: {w['acknowledged_total']} acknowledged {w['acknowledged']}, {w['found_total']} found, "
        f"{len(w['lost'])} lost, {len(w['duplicated'])} twice; {w['in_doubt']} in doubt, "
        f"of which {w['in_doubt_committed']} committed"
    )
    lines.append(f"Invariant violations: {len(result['invariant_violations'])}")
    lines.extend(f"  {v}" for v in result["invariant_violations"][:10])
    for example in result["error_examples"][:5]:
        lines.append(f"  error at {example['start']:.1f} s: {example['kind']}: {example['error'] or example['status']}")
    for promise, kept in result["promises"].items():
        lines.append(f"[{'ok' if kept else 'BROKEN'}] {promise}")
    lines.append(f"Load average after: {result['load_after']}")
    return "\n".join(lines)


def run(
    *,
    seconds: float,
    users: int,
    think: float,
    workers: int,
    faults_on: bool,
    out: Path,
    redis_url: str = "",
    log: Any = print,
) -> dict[str, Any]:
    """The whole soak; returns the figures (also written to ``out``)."""
    root = Path(tempfile.mkdtemp(prefix="wpo-soak-"))
    cluster = Cluster()
    server: AppServer | None = None
    try:
        log(f"PostgreSQL {cluster.bin.parent.name} cluster on 127.0.0.1:{cluster.port} in {cluster.root}")
        cluster.create()
        env = app_env(cluster.url, root, redis_url)
        if redis_url:  # the soak's own Redis database, emptied: nothing of an earlier run is served
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        password = secrets.token_urlsafe(16)
        # Setting up is not what is measured: load_demo refuses to run without DEBUG (its accounts
        # have a known password), so the set-up commands run with DEBUG on; gunicorn runs without.
        setup_env = {**env, "DEBUG": "true"}
        manage(setup_env, "migrate", "--no-input", "-v", "0")
        manage(setup_env, "load_curriculum", "-v", "0")
        manage(setup_env, "load_demo", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        plan_file = root / "plan.json"
        # The soak's own commands come with its app, which only config.soak_settings installs.
        soak_env = {**env, "DJANGO_SETTINGS_MODULE": "config.soak_settings"}
        seed_args = ["--users", str(users), "--password", password, "--probe", PROBE, "--out", str(plan_file)]
        manage(soak_env, "soak_seed", *seed_args)
        plan = json.loads(plan_file.read_text())
        server = AppServer(env, free_port(), workers, root / "gunicorn.log")
        server.start()
        requests.get(server.base + "/accounts/inloggen/", timeout=120).raise_for_status()
        log(f"gunicorn on {server.base} with {workers} workers; {users} users for {seconds:.0f} s")
        recorder, probe_recorder, stop = Recorder(), Recorder(), threading.Event()
        probe = Client(server.base, probe_recorder)
        probe.login(PROBE, password)
        ramp = min(30.0, seconds / 6)
        load_before = os.getloadavg()
        t0 = time.monotonic()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        people = [
            SimulatedUser(
                user, base=server.base, password=password, recorder=recorder, stop=stop, think=think,
                start_after=i * ramp / len(plan["users"]), database_url=cluster.url, seed=i,
            )
            for i, user in enumerate(plan["users"])
        ]  # fmt: skip
        for person in people:
            person.start()
        faults: list[Fault] = []
        if faults_on:
            faults = run_faults(seconds=seconds, t0=t0, cluster=cluster, server=server, probe=probe, recorder=recorder)
        time.sleep(max(0.0, t0 + seconds - time.monotonic()))
        stop.set()
        for person in people:
            person.join(timeout=40)
        duration = time.monotonic() - t0
        load_after = os.getloadavg()
        server.stop()
        with recorder.lock:
            writes = {
                "acknowledged": [asdict(w) for w in recorder.acknowledged],
                "in_doubt": [asdict(w) for w in recorder.in_doubt],
                "conversations_after": plan["conversations_after"],
            }
        (root / "writes.json").write_text(json.dumps(writes))
        manage(soak_env, "soak_verify", str(root / "writes.json"), "--out", str(root / "verified.json"))
        verified = json.loads((root / "verified.json").read_text())
        roles: dict[str, int] = defaultdict(int)
        for user in plan["users"]:
            roles[user["role"]] += 1
        result = figures(
            t0=t0,
            recorder=recorder,
            faults=faults,
            duration=duration,
            verified=verified,
            context={
                "started_at": started_at,
                "users": users,
                "roles": dict(roles),
                "think_seconds": think,
                "workers": workers,
                "redis": bool(redis_url),
                "cpus": os.cpu_count(),
                "load_before": [round(x, 2) for x in load_before],
                "load_after": [round(x, 2) for x in load_after],
                "postgresql": cluster.bin.parent.name,
            },
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        return result
    finally:
        if server is not None:
            server.kill_all()
        cluster.destroy()
        subprocess.run(["rm", "-rf", str(root)], check=False)  # noqa: S603, S607


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make soak", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS") or 300))
    parser.add_argument("--users", type=int, default=int(os.environ.get("SOAK_USERS") or 100))
    parser.add_argument("--think", type=float, default=float(os.environ.get("SOAK_THINK") or 2.0))
    # Sized for 2 cores: gunicorn's own rule of thumb, 2 x cores + 1 sync workers.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SOAK_WORKERS") or 5))
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    # Redis for the cache and sessions as in production, e.g. redis://127.0.0.1:6379/13 (emptied first).
    parser.add_argument("--redis-url", default=os.environ.get("SOAK_REDIS_URL") or "")
    parser.add_argument("--out", type=Path, default=BASE_DIR / "data" / "soak" / "last.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    result = run(
        seconds=args.seconds, users=args.users, think=args.think, workers=args.workers, faults_on=args.faults,
        out=args.out, redis_url=args.redis_url,
    )  # fmt: skip
    print(report_text(result))
    print(f"Figures written to {args.out}")
    return 0 if result["ok"] else 1
