from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _note_login(sender: Any, request: Any = None, **kwargs: Any) -> None:
    from .middleware import note_login

    if request is not None and hasattr(request, "session"):
        note_login(request)


class AccountsConfig(AppConfig):
    name = "wpo.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the deploy checks

        user_logged_in.connect(_note_login, dispatch_uid="wpo.accounts.note_login")
