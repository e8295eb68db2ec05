# bench/locustfile.py - the Locust side of bench/lt-run.sh: FastHttpUser,
# one task GET /, no wait time (the same load as lt-run's bench scenario).
# LT_BENCH_WAIT=1 switches to between(1, 2) for the many-users test.
import os

from locust import FastHttpUser, between, constant, task


class Bench(FastHttpUser):
    wait_time = between(1, 2) if os.environ.get("LT_BENCH_WAIT") else constant(0)

    @task
    def index(self):
        self.client.get("/")
