"""The load generator: simulated people who log in through the login page and do real journeys.

Each simulated person is a thread with its own HTTP session (cookies, CSRF token from the page it
just opened, like a browser). Every request is recorded with its timing and outcome; every write
carries a unique marker and counts as *acknowledged* only when the server confirmed it.
"""

import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
import requests

# Longer than gunicorn's own timeout (60 s), so a slow answer is seen as slow, not as no answer.
TIMEOUT = 75.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Write:
    """A write the generator made: its kind, and the marker it carries (or, for a practice answer,
    which has no text of its own, the participant assignment it belongs to)."""

    kind: str
    key: str


@dataclass
class Sample:
    kind: str
    start: float
    end: float
    ok: bool
    status: int  # 0: no answer (connection refused or reset, timeout)
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    acknowledged: list[Write] = field(default_factory=list)
    in_doubt: list[Write] = field(default_factory=list)
    writes_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def wrote(self, writes: list[Write], confirmed: bool) -> None:
        with self.lock:
            (self.acknowledged if confirmed else self.in_doubt).extend(writes)

    def flight(self, delta: int) -> None:
        with self.lock:
            self.writes_in_flight += delta


class Failed(Exception):
    """A request that did not give the expected answer (already recorded)."""


class Client:
    """One person's browser: a cookie jar, the last CSRF token seen, every request recorded."""

    def __init__(self, base: str, recorder: Recorder) -> None:
        self.base = base
        self.recorder = recorder
        self.http = requests.Session()
        self.token = ""

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        expect: int = 200,
        check: Callable[[requests.Response], str] | None = None,
    ) -> requests.Response:
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.token}
        start = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, data=data, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            self.recorder.add(Sample(kind, start, time.monotonic(), False, 0, type(exc).__name__))
            raise Failed(kind) from exc
        end = time.monotonic()
        problem = ""
        if response.status_code != expect:
            where = response.headers.get("Location", "")
            problem = f"status {response.status_code}" + (f" to {where}" if where else "")
        elif check is not None:
            problem = check(response)
        self.recorder.add(Sample(kind, start, end, not problem, response.status_code, problem))
        if problem:
            raise Failed(kind)
        found = CSRF.search(response.text) if response.status_code == 200 else None
        if found:
            self.token = found.group(1)
        return response

    def login(self, username: str, password: str) -> None:
        self.request("GET login", "GET", "/accounts/inloggen/")
        self.request(
            "POST login", "POST", "/accounts/inloggen/", data={"username": username, "password": password}, expect=302
        )

    def write(
        self, kind: str, path: str, data: dict[str, Any], writes: list[Write], *, expect: int = 302, check: Any = None
    ) -> requests.Response:
        """A POST whose writes are acknowledged only when the server confirmed them."""
        self.recorder.flight(+1)
        try:
            response = self.request(kind, "POST", path, data=data, expect=expect, check=check)
        except Failed:
            self.recorder.wrote(writes, confirmed=False)
            raise
        finally:
            self.recorder.flight(-1)
        self.recorder.wrote(writes, confirmed=True)
        return response


def marker() -> str:
    return f"soak-{uuid.uuid4()}"


def _no_error(response: requests.Response) -> str:
    return "error message on the page" if "message-error" in response.text else ""


def _feedback(response: requests.Response) -> str:
    if "message-error" in response.text:
        return "error message on the page"
    return "" if 'class="feedback ' in response.text else "no feedback on the answer"


class SimulatedUser(threading.Thread):
    def __init__(
        self,
        plan: dict[str, Any],
        *,
        base: str,
        password: str,
        recorder: Recorder,
        stop: threading.Event,
        think: float,
        start_after: float,
        database_url: str,
        seed: int,
    ) -> None:
        super().__init__(name=plan["username"], daemon=True)
        self.plan = plan
        self.password = password
        self.client = Client(base, recorder)
        self.stop = stop
        self.think_mean = think
        self.start_after = start_after
        self.database_url = database_url
        self.rng = random.Random(seed)
        self.logged_in = False
        # What the participant believes about their assignment; re-read after a failed request.
        self.step = "introduced"
        self.position = 0
        self.answered = 0
        self.stale = False

    def think(self, factor: float = 1.0) -> None:
        self.stop.wait(self.think_mean * factor * self.rng.uniform(0.5, 1.5))

    def run(self) -> None:
        if self.stop.wait(self.start_after):
            return
        journey = {"participant": self.participant, "trainer": self.trainer, "coach": self.coach}[self.plan["role"]]
        while not self.stop.is_set():
            try:
                if not self.logged_in:
                    self.client.login(self.plan["username"], self.password)
                    self.logged_in = True
                    self.think()
                journey()
            except Failed:
                self.stale = True
                self.think()

    # Participants ------------------------------------------------------------------------------

    def resync(self) -> None:
        """After a failed request the server may or may not have done it: look at what it did."""
        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT step, practice_position FROM trajectories_participantassignment WHERE id = %s",
                [self.plan["participant"]["pa_id"]],
            ).fetchone()
        assert row is not None
        self.step, self.position = str(row[0]), int(row[1])
        self.stale = False

    def participant(self) -> None:
        me = self.plan["participant"]
        pa = me["pa_id"]
        if self.stale:
            try:
                self.resync()
            except psycopg.Error:
                self.think()
                return
        self.client.request("GET participant home", "GET", "/deelnemer/")
        self.think(0.5)
        if self.rng.random() < 0.12:
            m = marker()
            self.client.write(
                "POST ask question",
                "/deelnemer/vraag-voor-gesprek/",
                {"text": f"{m} Mag ik iets vragen?"},
                [Write("question", f"{m} Mag ik iets vragen?")],
            )
            self.think(0.5)
        self.client.request("GET assignment", "GET", f"/deelnemer/opdracht/{pa}/")
        self.think(0.5)
        questions = me["questions"]
        last_screen = len(questions) + 2
        if self.step == "introduced":
            self.client.write("POST begin", f"/deelnemer/opdracht/{pa}/begin/", {}, [])
            self.step, self.position = "practising", 1
        # A few answers, then on to the work task and the look-back: those are the writes of many
        # rows at once (answers plus a step and its history), the ones a crash could leave half done.
        elif self.step == "practising" and (self.answered < 2 or self.rng.random() > 0.3):
            number = self.rng.randint(1, len(questions))
            question = questions[number - 1]
            data: dict[str, Any]
            if question["kind"] == "order":
                order = list(range(1, question["choices"] + 1))
                self.rng.shuffle(order)
                data = {"position": order}
            else:
                data = {"answer": self.rng.randrange(max(question["choices"], 1))}
            self.client.write(
                "POST answer", f"/deelnemer/opdracht/{pa}/vraag/{number}/", data, [Write("practice_answer", str(pa))],
                expect=200, check=_feedback,
            )  # fmt: skip
            self.position = number
            self.answered += 1
        elif self.step == "practising":
            while self.position < last_screen and not self.stop.is_set():
                self.client.write("POST next screen", f"/deelnemer/opdracht/{pa}/verder/", {}, [])
                self.position += 1
                self.think(0.3)
            if self.position < last_screen:
                return  # the run ended half-way through the screens
            self.client.write("POST start work task", f"/deelnemer/opdracht/{pa}/aan-de-slag/", {}, [])
            self.step = "working"
        elif self.step == "working":
            self.client.request("GET look back", "GET", f"/deelnemer/opdracht/{pa}/terugkijken/")
            self.think(0.5)
            m = marker()
            texts = {f"v{i}-text": f"{m}-{i}" for i in range(me["look_back"])}
            self.client.write(
                "POST look back",
                f"/deelnemer/opdracht/{pa}/terugkijken/",
                texts,
                [Write("look_back", t) for t in texts.values()],
            )
            self.step = "looking_back"
        self.think()

    # Trainers ----------------------------------------------------------------------------------

    def trainer(self) -> None:
        self.client.request("GET my participants", "GET", "/opleider/")
        self.think(0.5)
        trainee = self.rng.choice(self.plan["trainees"])
        self.client.request("GET trajectory", "GET", f"/opleider/trajecten/{trainee['trajectory_id']}/")
        self.think(0.5)
        chance = self.rng.random()
        if chance < 0.5:
            self.client.request("GET observe", "GET", f"/opleider/opdrachten/{trainee['pa_id']}/observatie/")
            self.think(0.5)
            note = f"{marker()} Werkt rustig door."
            behaviours = self.rng.sample(trainee["behaviours"], min(len(trainee["behaviours"]), self.rng.randint(0, 2)))
            data: dict[str, Any] = {"note": note, "behaviours": behaviours}
            if self.rng.random() < 0.5:
                data["went_well"] = "on"
            self.client.write(
                "POST observation",
                f"/opleider/opdrachten/{trainee['pa_id']}/observatie/",
                data,
                [Write("observation", note)],
            )
        elif chance < 0.75:
            path = f"/opleider/trajecten/{trainee['trajectory_id']}/gesprek-plannen/"
            self.client.request("GET plan conversation", "GET", path)
            self.think(0.5)
            where = marker()
            day = date.today() + timedelta(days=self.rng.randint(2, 60))
            data = {
                "date": day.isoformat(),
                "time": f"{self.rng.randint(8, 16):02d}:{self.rng.choice(['00', '15', '30', '45'])}",
                "duration_minutes": "30",
                "location": where,
                "participant_assignment": "",
            }
            self.client.write("POST plan conversation", path, data, [Write("conversation", where)])
        self.think()

    # Coaches -----------------------------------------------------------------------------------

    def coach(self) -> None:
        self.client.request("GET coach overview", "GET", "/coach/")
        self.think(0.5)
        self.client.request("GET signals", "GET", "/coach/signalen/")
        self.think(0.5)
        if self.rng.random() < 0.3:
            self.client.request("GET report", "GET", "/rapportage/")
            self.think(0.5)
        trajectory = self.rng.choice(self.plan["trajectories"])
        self.client.request("GET trajectory", "GET", f"/opleider/trajecten/{trajectory}/")
        self.think()
