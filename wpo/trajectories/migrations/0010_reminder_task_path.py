"""The conversation reminder task moved from ``wpo.trajectories.conversations`` to
``wpo.trajectories.services.conversations``.

The task queue keeps the dotted path of each waiting task; a reminder queued before the deploy
would otherwise fail to import on the worker and never be sent.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

OLD = "wpo.trajectories.conversations.send_conversation_reminder"
NEW = "wpo.trajectories.services.conversations.send_conversation_reminder"


def _rename(apps: StateApps, old: str, new: str) -> None:
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=old).update(task_path=new)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rename(apps, OLD, NEW)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("trajectories", "0009_trajectory_org_status_statistics"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forward, backward)]
