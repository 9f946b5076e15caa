"""The load generator: a second process that drives the running server over loopback.

    python -m bench.load PLAN.json

The plan names the base address, the run time, the number of threads and a list of request
kinds with a weight, a method, a path, a form (for POSTs) and the login that makes it. Each
thread logs every person in once through the real login page (its own cookie jar and CSRF
token, like a browser), then sends requests back to back for the given time, each time picking
a kind by weight. It prints the outcome as JSON: requests per second, errors, and per kind the
count and the latency percentiles seen from the client.
"""

import json
import random
import re
import sys
import threading
import time
from typing import Any

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/inloggen/", timeout=30)
    token = CSRF.search(page.text)
    answer = session.post(
        f"{base}/accounts/inloggen/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {answer.status_code}")
    return session


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def run(plan: dict[str, Any]) -> dict[str, Any]:
    base, kinds = plan["base"], plan["kinds"]
    weights = [k["weight"] for k in kinds]
    stop = threading.Event()
    lock = threading.Lock()
    times: dict[str, list[float]] = {k["key"]: [] for k in kinds}
    errors: list[str] = []
    sessions: list[dict[str, requests.Session]] = []
    for _ in range(plan["threads"]):
        mine: dict[str, requests.Session] = {}
        for kind in kinds:
            login_name = kind.get("username")
            if login_name and login_name not in mine:
                mine[login_name] = login(base, login_name, plan["password"])
        sessions.append(mine)

    def worker(n: int) -> None:
        rng = random.Random(n)
        anonymous = requests.Session()
        csrf: dict[str, str] = {}
        while not stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            session = sessions[n].get(kind.get("username") or "", anonymous)
            started = time.perf_counter()
            error = ""
            try:
                if kind["method"] == "POST":
                    token = csrf.get(kind["username"]) or session.cookies.get("csrftoken", "")
                    if not token:
                        page = session.get(f"{base}{kind['form_page']}", timeout=30)
                        found = CSRF.search(page.text)
                        token = found.group(1) if found else ""
                        csrf[kind["username"]] = token
                    response = session.post(
                        f"{base}{kind['path']}",
                        data={**kind["data"], "csrfmiddlewaretoken": token},
                        headers={"Referer": f"{base}{kind['path']}"},
                        timeout=30,
                    )
                else:
                    response = session.get(f"{base}{kind['path']}", timeout=30)
                ok = response.status_code == 200
                _ = response.content
            except requests.RequestException as exc:
                ok, response = False, None
                error = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    times[kind["key"]].append(elapsed)
                else:
                    errors.append(f"{kind['key']}: {response.status_code if response is not None else error}")

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(plan["threads"])]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(plan["seconds"])
    stop.set()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.perf_counter() - started
    done = sum(len(v) for v in times.values())
    return {
        "seconds": round(elapsed, 2),
        "threads": plan["threads"],
        "requests": done,
        "rps": round(done / elapsed, 1),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:10],
        "kinds": {
            key: {
                "count": len(values),
                "p50_ms": round(percentile(values, 0.50) * 1000, 1),
                "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            }
            for key, values in times.items()
        },
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(json.dumps(run(json.load(f))))
