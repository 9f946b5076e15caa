"""The service operators' Django admin for single sign-on: they verify e-mail domains and can undo a link.

Organisations manage everything else in the app itself. Both models are added to by the app (the
administrator's SSO form, the first single sign-on), never here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import OidcDomain, OidcIdentity


@admin.register(OidcDomain)
class OidcDomainAdmin(admin.ModelAdmin[OidcDomain]):
    """Mark a domain verified once the organisation has shown it owns it (for example a DNS TXT record)."""

    list_display = ["domain", "organization", "verified", "created_at"]
    list_editable = ["verified"]
    list_filter = ["verified"]
    search_fields = ["domain", "organization__name", "organization__slug"]
    readonly_fields = ["organization", "provider", "domain", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin[OidcIdentity]):
    """Deleting a link lets the person's next single sign-on match by the claim again (a new account at
    the provider)."""

    list_display = ["person", "provider", "subject", "linked_at"]
    search_fields = ["subject", "person__user__username", "person__user__email"]
    readonly_fields = ["organization", "provider", "person", "subject", "linked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
