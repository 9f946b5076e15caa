from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: ``manage.py backup`` and ``manage.py restore`` (docs/reliability.md)."""

    name = "wpo.ops"
    label = "ops"
