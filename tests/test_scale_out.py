"""The scale-out path (docs/scaling.md): tenant tables keyed by organisation, and the read replica.

Past one database the schema is distributed with Citus by ``organization_id``. That works when every
table holding an organisation's data carries the organisation key and every unique constraint on it
includes that key (Citus enforces uniqueness per shard only). The surrogate ``id`` primary key is the
one exception: under Citus it becomes (organization_id, id).
"""

import pytest
from django.apps import apps
from django.db import connections, models
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from wpo.lib import db_router
from wpo.orgs.models import Organization

from .conftest import login
from .factories import make_world

# Tables that are not an organisation's data, with the reason. Under Citus they are reference tables
# (copied to every node) or stay on the coordinator.
GLOBAL_MODELS = {
    "orgs.Organization": "the tenants themselves: a small reference table",
    "accounts.User": "the login identity, looked up by username before the organisation is known (reference)",
    "accounts.LoginFailure": "lock-out counter per username and address, before login (coordinator)",
    "accounts.TwoFactorFailure": "lock-out counter for the second factor, before the session has a person",
    "curriculum.SubSkill": "the national curriculum, read by every organisation (reference)",
    "curriculum.Assignment": "the national curriculum (reference)",
    "curriculum.AssignmentVersion": "published content versions, shared nationally (reference)",
    "service.ServiceOperator": "the service desk's own logins, no organisation's (coordinator)",
    "curriculum.Edition": "the national curriculum's numbered releases, read by every organisation (reference)",
    "packages.PackageVersion": "an uploaded e-learning package's files and manifest: curriculum content (reference)",
    "accounts.SecretTOTPDevice": "a proxy of django-otp's TOTPDevice, which belongs to the login identity (reference)",
}

# Unique constraints on tenant tables that do not include the organisation, with the reason and plan.
UNIQUE_EXCEPTIONS = {
    ("accounts.LoginCard", "token_hash"): "bearer secret looked up by its hash before login; lookup table by hash",
    ("trajectories.TrainerCalendarFeed", "token_hash"): "bearer secret of a calendar app that cannot log in",
    ("service.Invitation", "token_hash"): "bearer secret of an invitation, opened before its person can log in",
    ("certificates.Certificate", "code"): "the public check code on the paper, verified without login",
    ("certificates.BadgeIssuer", "public_id"): "the Open Badges issuer's id in its public URLs, read by any verifier",
    ("orgs.Person", "user"): "one person per login; the user table is a reference table, see docs/scaling.md",
    ("curriculum.Skill", "skill_unique_national_code"): "national skills (organization NULL) are curriculum",
    ("packages.Package", "assignment"): "one package per assignment; national ones (organization NULL) are curriculum",
    ("packages.Cmi5Launch", "fetch_secret"): "bearer secret of a cmi5 fetch URL, called by the package without login",
    ("accounts.OidcDomain", "oidc_domain_unique"): "an e-mail domain routes to one organisation: unique across all",
    ("accounts.OidcIdentity", "oidc_identity_subject_unique"): "per provider, and a provider is one organisation's",
    ("accounts.OidcIdentity", "oidc_identity_person_unique"): "per provider, and a provider is one organisation's",
}

# Many-to-many tables Django creates itself carry no organisation; they become explicit through
# models with the organisation before the move to Citus (docs/scaling.md).
AUTO_CREATED_M2M = "auto-created many-to-many table"


def wpo_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("wpo.")]


def is_tenant(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("organization")
    except Exception:
        return False
    # Historical tables (simple-history) copy the key as a plain integer or a foreign key without constraint.
    return field.related_model is Organization or field.get_internal_type() in ("ForeignKey", "IntegerField")


def unique_sets(model: type[models.Model]) -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            found.append((field.name, (field.name,)))
    for together in model._meta.unique_together:
        found.append(("+".join(together), tuple(together)))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            found.append((constraint.name, tuple(constraint.fields)))
    return found


def test_every_model_is_a_tenant_table_or_listed_as_global() -> None:
    unlisted = [m._meta.label for m in wpo_models() if not is_tenant(m) and m._meta.label not in GLOBAL_MODELS]
    assert unlisted == [], f"give these an organization foreign key, or list them in GLOBAL_MODELS: {unlisted}"
    tenants = [m for m in wpo_models() if is_tenant(m)]
    assert len(tenants) > 25
    assert any(m.__name__.startswith("Historical") for m in tenants)  # audit history carries the key too


def test_every_unique_constraint_of_a_tenant_table_includes_the_organisation() -> None:
    missing = [
        (m._meta.label, name, fields)
        for m in wpo_models()
        if is_tenant(m)
        for name, fields in unique_sets(m)
        if "organization" not in fields and (m._meta.label, name) not in UNIQUE_EXCEPTIONS
    ]
    assert missing == [], f"add organization to these unique constraints: {missing}"


def test_many_to_many_tables_without_organisation_are_the_known_ones() -> None:
    tables = [f.remote_field.through for m in wpo_models() if is_tenant(m) for f in m._meta.local_many_to_many]
    through = sorted(t._meta.label for t in tables if t is not None and t._meta.auto_created)
    assert through == [
        "certificates.CertificateBatch_certificates",
        "evaluations.InterimEvaluation_attendees",
        "followup.DepartmentVisit_trainers",
        "trajectories.Assessment_outcome_present",
        "trajectories.CoachingConversation_attendees",
    ], AUTO_CREATED_M2M


def test_the_router_sends_only_reads_inside_replica_reads_to_the_replica() -> None:
    router = db_router.ReplicaRouter()
    with override_settings(READ_REPLICA=True):
        assert router.db_for_read(Organization) is None
        with db_router.replica_reads():
            assert router.db_for_read(Organization) == "replica"
            assert router.db_for_write(Organization) == "default"
    with override_settings(READ_REPLICA=False), db_router.replica_reads():
        assert router.db_for_read(Organization) is None  # no replica configured: default
    assert router.allow_migrate("replica", "orgs") is False and router.allow_migrate("default", "orgs") is True


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize("url", ["/rapportage/", "/rapportage/rapportage.xlsx?periode=alles"])
def test_report_queries_go_through_the_replica(client: Client, url: str) -> None:
    world = make_world("Replica")
    login(client, world.project_manager)
    with (
        override_settings(READ_REPLICA=True),
        CaptureQueriesContext(connections["default"]) as on_default,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    default_sql = " ".join(q["sql"] for q in on_default.captured_queries)
    assert "trajectories_trajectory" in replica_sql
    # Before the view, the session and the logged-in person come from default; the figures do not.
    assert "trajectories_trajectory" not in default_sql
    assert "django_session" in default_sql and "django_session" not in replica_sql
