"""Roles are Django groups; this table is the one place that says what each may do (README "Roller")."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Role, User

CASE_WORK = [
    "cases.view_person",
    "cases.add_person",
    "cases.change_person",
    "cases.add_custodian",
    "cases.change_custodian",
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.view_journalentry",
    "cases.add_journalentry",
    "consent.view_consent",
    "consent.add_consent",
    "consent.add_consentrevocation",
    "consent.add_maturityassessment",
]

# Insatser and genomförandeplaner (interventions app): case workers and samordnare record them.
INTERVENTION_MODELS = [
    "communityserviceorder",
    "mediation",
    "victimsupport",
    "skkassignment",
    "aslangroup",
    "defectorassessment",
    "purchasedservice",
    "reoffence",
    "fieldshift",
    "polare",
    "areaeffort",
    "plan",
]
CASE_WORK += [f"interventions.{verb}_{model}" for model in INTERVENTION_MODELS for verb in ("view", "add", "change")]
CASE_WORK += ["consent.view_disclosure", "consent.add_disclosure"]
# Beslut on bistånd cases: who may actually decide is the delegationsordning's (decisions.DelegationRule).
CASE_WORK += ["decisions.view_decision", "decisions.add_decision", "decisions.change_decision"]
# The akt (documents app): documents received, and the aktbilagor the product gave out.
CASE_WORK += ["documents.view_document", "documents.add_document", "documents.view_aktbilaga"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SOCIAL_WORKER: CASE_WORK,
    Role.COORDINATOR: CASE_WORK,
    Role.MANAGER: [
        *CASE_WORK,
        "cases.reassign_case",
        "cases.export_person",
        "core.view_accesslog",
        "core.manage_access",
        "records.run_retention",
        "records.view_retentionrun",
        "records.view_retentionrule",
        "reporting.view_agreement",
        "reporting.add_agreement",
        "reporting.change_agreement",
        "reporting.add_agreedvolume",
        "reporting.change_agreedvolume",
        "reporting.delete_agreedvolume",
        "reporting.view_report",
        "reporting.add_report",
        "reporting.change_report",
        "reporting.finalise_report",
        "decisions.view_unexecuted_report",
    ],
    # Aggregated statistics only: no permission on any model holding personal data.
    Role.STATISTICS: ["reporting.view_agreement"],
    # Users, units and catalogues; no personal data.
    Role.ADMINISTRATOR: [
        "core.view_user",
        "core.add_user",
        "core.change_user",
        "core.view_unit",
        "core.add_unit",
        "core.change_unit",
        "core.view_provider",
        "core.add_provider",
        "core.change_provider",
        "core.view_district",
        "core.add_district",
        "core.change_district",
        "core.view_municipality",
        "core.view_changelog",  # the admin shows only the administration's own changes (core.admin)
        "records.view_retentionrule",
        "records.change_retentionrule",
        "records.view_retentionrun",
        "cases.view_insatstype",
        "cases.change_insatstype",
        "api.view_apitoken",
        "api.add_apitoken",
        "api.change_apitoken",
        "consent.view_actor",
        "consent.add_actor",
        "consent.change_actor",
        "consent.view_legalbasis",
        "consent.add_legalbasis",
        "consent.change_legalbasis",
        "interventions.view_polarefeerate",
        "interventions.add_polarefeerate",
        "interventions.change_polarefeerate",
        "interventions.delete_polarefeerate",
        "decisions.view_lagrum",
        "decisions.add_lagrum",
        "decisions.change_lagrum",
        "decisions.view_delegationrule",
        "decisions.add_delegationrule",
        "decisions.change_delegationrule",
        "decisions.delete_delegationrule",
        "documents.view_documentkind",
        "documents.add_documentkind",
        "documents.change_documentkind",
    ],
}


@transaction.atomic
def roles_sync() -> None:
    """Create the role groups and set exactly the permissions listed above."""
    # One query for all permissions, not one per code: this runs after every migrate and after every flush of
    # the test database (each transactional test), where 235 single lookups added up.
    by_code = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    unknown = sorted({code for codes in ROLE_PERMISSIONS.values() for code in codes} - by_code.keys())
    if unknown:
        raise Permission.DoesNotExist(f"ROLE_PERMISSIONS names permissions that do not exist: {unknown}")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_code[code] for code in codes])


# Roles whose holders read and write the young people's data (casework and its management).
PERSONAL_DATA_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER})


def roles_assignment_check(*, actor: User, user: User | None, roles: Iterable[str]) -> None:
    """IT administration and casework are separate duties (issue 25): nobody changes their own roles (not even
    a superuser: a second person grants), and the systemadministratör role is never held together with a role
    that reaches personal data, so an administrator cannot give themselves (or a colleague administrator) the
    enhetschef's access. `user` is None for a new account. Raises a Swedish ValidationError."""
    wanted = set(roles)
    current = set(user.groups.values_list("name", flat=True)) if user is not None and user.pk else set()
    if user is not None and user.pk == actor.pk and wanted != current:
        raise ValidationError(_("Du kan inte ändra dina egna roller. En annan administratör gör det."))
    if Role.ADMINISTRATOR in wanted and wanted & PERSONAL_DATA_ROLES:
        raise ValidationError(
            _(
                "Rollen systemadministratör kan inte kombineras med en roll som ger tillgång till personuppgifter "
                "(socialsekreterare, samordnare, enhetschef): IT-administration och ärendearbete är åtskilda."
            )
        )


def is_statistics_client(user: User) -> bool:
    """A dedicated statistics-client account: the statistik role only, no admin access, not a superuser."""
    names = set(user.groups.values_list("name", flat=True))
    return user.is_active and not user.is_staff and not user.is_superuser and names == {Role.STATISTICS}
