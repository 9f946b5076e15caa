from django.apps import AppConfig


class SoakConfig(AppConfig):
    """The soak test's commands (``soak_seed``, ``soak_verify``); installed only by ``config.soak_settings``."""

    name = "soak"
    label = "soak"
