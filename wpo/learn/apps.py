from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnConfig(AppConfig):
    name = "wpo.learn"
    label = "learn"
    verbose_name = _("Deelnemer")

    def ready(self) -> None:
        from . import home_cache

        home_cache.connect()
