from locust import HttpUser, task, between

class Browser(HttpUser):
    wait_time = between(0.05, 0.2)

    @task(3)
    def index(self):
        self.client.get("/index.html")

    @task(1)
    def data(self):
        self.client.get("/data.json")

    @task(1)
    def missing(self):
        self.client.get("/missing", name="/missing")
