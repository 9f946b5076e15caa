from django.urls import URLPattern, path

from . import views
from .content import GUIDES

app_name = "guidance"
# One named address per role (guidance:trainer is /hulp/werkplekopleider/): help is the same for
# every organisation, so there is no object in the address.
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    *(path(f"{g.slug}/", views.role_help, {"role": g.role.value}, name=g.role.value) for g in GUIDES),
]
