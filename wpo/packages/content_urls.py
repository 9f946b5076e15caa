"""The only addresses of the content origin (wpo/packages/content.py); not part of the platform's URLs."""

from django.urls import path

from . import content

urlpatterns = [
    path("launch/<uuid:public_id>/", content.launcher, name="launcher"),
    path("runtime/scorm-bridge.js", content.runtime, name="runtime"),
    path("p/<uuid:public_id>/<path:path>", content.package_file, name="file"),
]
