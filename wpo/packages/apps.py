from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    name = "wpo.packages"
    label = "packages"
    verbose_name = _("Oefenpakketten (SCORM)")

    def ready(self) -> None:
        from wpo.curriculum.services.content import EXPORT_PARTS

        from . import checks  # noqa: F401 (registers the system check)
        from .selectors import export_references

        EXPORT_PARTS["packages"] = export_references
