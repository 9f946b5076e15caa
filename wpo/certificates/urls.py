from django.urls import path

from . import badge_views, views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("<int:certificate_id>/", views.certificate_detail, name="detail"),
    path("<int:certificate_id>/pdf/", views.certificate_pdf, name="pdf"),
    # The werkplekopleider's copy of the evidence dossier, while the participant's consent is given.
    path("<int:certificate_id>/bewijsmap/", views.certificate_dossier, name="dossier"),
    path("<int:certificate_id>/intrekken/", views.certificate_revoke_view, name="revoke"),
    path("printen/", views.batch_new, name="batch_new"),
    path("printen/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("printen/<int:batch_id>/status/", views.batch_status, name="batch_status"),
    path("printen/<int:batch_id>/pdf/", views.batch_pdf, name="batch_pdf"),
    # Public by design: the check of a certificate by its code (no login).
    path("controle/", views.verify_form, name="verify_form"),
    path("controle/<str:code>/", views.verify, name="verify"),
    path("controle/<str:code>/badge/<int:number>/<str:fmt>/", badge_views.verify_credential, name="verify_credential"),
    # The participant's own certificates and Open Badges.
    path("mijn/", badge_views.mine, name="mine"),
    path("mijn/<int:certificate_id>/pdf/", badge_views.mine_pdf, name="mine_pdf"),
    path("mijn/<int:certificate_id>/bewijsmap/", badge_views.mine_dossier, name="mine_dossier"),
    path("mijn/toestemming/<int:trajectory_id>/", badge_views.dossier_consent, name="dossier_consent"),
    path("mijn/badge/<int:credential_id>/<str:fmt>/", badge_views.credential_download, name="credential_download"),
    # Public by design: the Open Badges issuer's profile, public keys and status list (nothing personal).
    path("uitgever/<uuid:public_id>/", badge_views.badge_issuer, name="badge_issuer"),
    path("uitgever/<uuid:public_id>/jwks.json", badge_views.badge_jwks, name="badge_jwks"),
    path("uitgever/<uuid:public_id>/sleutel/<str:thumbprint>/", badge_views.badge_key, name="badge_key"),
    path("uitgever/<uuid:public_id>/status/", badge_views.badge_status, name="badge_status"),
]
