"""The only addresses of the content origin (wpo/packages/content.py); not part of the platform's URLs."""

from django.urls import path

from . import content, xapi

urlpatterns = [
    path("launch/<uuid:public_id>/", content.launcher, name="launcher"),
    path("runtime/scorm-bridge.js", content.runtime, name="runtime"),
    path("p/<uuid:public_id>/<path:path>", content.package_file, name="file"),
    # cmi5: the fetch URL of one launch and the minimal xAPI endpoint its AU uses (wpo/packages/xapi.py).
    path("cmi5/fetch/<str:secret>/", xapi.fetch, name="cmi5_fetch"),
    path("xapi/about", xapi.about, name="xapi_about"),
    path("xapi/statements", xapi.statements, name="xapi_statements"),
    path("xapi/activities/state", xapi.state, name="xapi_state"),
    path("xapi/agents/profile", xapi.agent_profile, name="xapi_agent_profile"),
]
