"""Django's admin for the people who run the service, behind the app's own login and a second factor.

Organisations do everything in the app itself, through the access layer; the admin is for the
service operators (superusers), to verify an organisation's e-mail domains, grant national rights
and the like. It has no password form of its own: ``/django-admin/login/`` sends the browser to the
app's login page, so the same lock-outs hold (wpo/accounts/lockout.py) and the same second step
(wpo/accounts/two_factor.py). Every admin page then needs a session verified with a code from an
authenticator app (django-otp's ``is_verified``), which single sign-on never gives a superuser.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _


class WpoAdminSite(AdminSite):
    site_header = _("WPO-platform: technisch beheer")
    site_title = _("WPO-platform")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return bool(user.is_active and user.is_superuser and is_verified is not None and is_verified())

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from wpo.accounts.two_factor import has_two_factor

        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("accounts:login"))
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if not (user.is_active and user.is_superuser):
            raise PermissionDenied
        if has_two_factor(user):
            return HttpResponseRedirect(f"{reverse('accounts:two_factor_code')}?{urlencode({'next': next_url})}")
        return TemplateResponse(
            request, "accounts/admin_needs_two_factor.html", {"username": user.get_username()}, status=403
        )
