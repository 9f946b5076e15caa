from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "wpo.coaching"
    label = "coaching"
    verbose_name = _("Coach en projectmanager")

    def ready(self) -> None:
        from . import signal_cache

        signal_cache.connect()
