"""Tell PostgreSQL that a trajectory's organisation and status go together.

Without it the planner multiplies the two selectivities as if they were independent, estimates the
running trajectories of a big organisation at about half their number and picks a parallel scan of
the whole table over the ``(organization, status)`` index (the coach overview's signal counts,
35 ms instead of 4 ms at national scale). Extended statistics are PostgreSQL's; other databases skip
this step.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS trajectory_org_status_stats (dependencies, mcv) "
    "ON organization_id, status FROM trajectories_trajectory"
)
DROP = "DROP STATISTICS IF EXISTS trajectory_org_status_stats"


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE trajectories_trajectory")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0008_tenant_unique_constraints")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
