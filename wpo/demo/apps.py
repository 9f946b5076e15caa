from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and ``manage.py load_demo`` (``make run``). It builds on every product app;
    no product app imports it."""

    name = "wpo.demo"
    label = "demo"
