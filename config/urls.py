from django.contrib import admin
from django.urls import include, path

from config.views import healthz
from wpo.accounts.views import home

# Django's admin (``admin.site``, a config.admin.WpoAdminSite) is for the people who run the service:
# superusers with a verified second factor. Organisations do everything in the app itself.

# A lost database answers 503 with what was typed, not 500 (config/errors.py).
handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("wpo.accounts.urls")),
    path("deelnemer/", include("wpo.learn.urls")),
    path("opleider/", include("wpo.trajectories.urls")),
    path("opleider/", include("wpo.evaluations.urls")),
    path("coach/", include("wpo.coaching.urls")),
    path("opvolging/", include("wpo.followup.urls")),
    path("bijeenkomsten/", include("wpo.meetings.urls")),
    path("aanmeldingen/", include("wpo.intake.urls")),
    path("rapportage/", include("wpo.reports.urls")),
    path("landelijk/", include("wpo.reports.national_urls")),
    path("certificaten/", include("wpo.certificates.urls")),
    path("hulp/", include("wpo.guidance.urls")),
    path("beheer/logboek/", include("wpo.audit.urls")),
    path("beheer/", include("wpo.orgs.urls")),
    path("privacy/", include("wpo.privacy.urls")),
    path("curriculum/", include("wpo.curriculum.urls")),
    path("oefenpakketten/", include("wpo.packages.urls")),
    path("", include("wpo.service.urls")),  # /servicebeheer/ and /uitnodiging/<token>/
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
