from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    name = "wpo.packages"
    label = "packages"
    verbose_name = _("Oefenpakketten (SCORM)")
