"""Locust users for `make loadtest`: a socialsekreterare's mix of requests against gunicorn.

70 % list and case pages, 20 % search, 10 % edits (a journal entry saved as a draft). Each virtual
user logs in as one of the generated load-test users (bench.ss01 … bench.ss20) and works on that
user's own open cases. Inputs come from a JSON file the runner (bench/loadtest.py) writes from the
database before the run: this file never imports Django (locust runs under gevent).
"""

import datetime
import itertools
import json
import os
import random

from locust import HttpUser, between, task

INPUTS = json.loads(open(os.environ["LOADTEST_INPUTS"], encoding="utf-8").read())  # noqa: SIM115
_accounts = itertools.cycle(INPUTS["users"])


class SocialWorker(HttpUser):
    wait_time = between(0.5, 1.5)  # a person clicking, not a flood

    def on_start(self):
        account = next(_accounts)
        self.cases = account["cases"] or INPUTS["fallback_cases"]
        self.queries = INPUTS["queries"]
        self.rng = random.Random(account["username"])
        # the runner created a logged-in session for this user (logins are not part of the mix)
        self.client.cookies.set(INPUTS["session_cookie"], account["session"])
        response = self.client.get("/", name="Mina ärenden")  # also sets the CSRF cookie
        if response.status_code != 200 or "logga-in" in response.url:
            raise RuntimeError(f"sessionen gäller inte för {account['username']}")

    @task(35)
    def case_list(self):
        self.client.get("/", name="Mina ärenden")

    @task(35)
    def case_page(self):
        self.client.get(f"/arenden/{self.rng.choice(self.cases)}/", name="ärendesida")

    @task(20)
    def search(self):
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/sok/",
            {"q": self.rng.choice(self.queries), "csrfmiddlewaretoken": token},
            headers={"X-CSRFToken": token},
            name="sök",
        )

    @task(10)
    def write_entry(self):
        case_id = self.rng.choice(self.cases)
        with self.client.post(
            f"/arenden/{case_id}/anteckningar/",
            {
                "kind": "samtal",
                "occurred_on": datetime.date.today().isoformat(),
                "text": "Samtal med ungdomen (lasttest).",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="skriv anteckning",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
