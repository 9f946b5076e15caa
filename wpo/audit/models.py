"""The audit trail's own tables: the history of the login account.

The tracked domain models declare their ``history`` themselves (wpo/orgs/models.py,
wpo/trajectories/models.py); Django's User is not ours to edit, so it is registered here.
"""

from django.contrib.auth import get_user_model

from .history import AuditedUserHistory, AuditHistoricalRecords, Kind, user_subject


def _register_user_history() -> None:
    user_model = get_user_model()
    records = AuditHistoricalRecords(
        kind=Kind.PERSON,
        subject=user_subject,
        bases=(AuditedUserHistory,),
        # Only who someone is and whether they may log in; not the password hash or login times.
        excluded_fields=["password", "last_login", "date_joined"],
        verbose_name="historical user",
    )
    records.manager_name = "history"
    records.module = __name__
    records.cls = user_model
    records.add_extra_methods(user_model)
    records.finalize(user_model)


_register_user_history()
