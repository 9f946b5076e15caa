from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The national-scale benchmark (`make bench`): data generation and measurement commands.

    Installed only by ``config.bench_settings``, never in production."""

    name = "bench"
    label = "bench"
