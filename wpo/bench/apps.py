from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The national-scale benchmark (`make bench`): data generation and measurement commands."""

    name = "wpo.bench"
    label = "bench"
