"""A person's file (personakt) as a graph of rows: the basis of registerutdrag and of gallring.

`person_file_rows` walks every reverse relation from the Person and Case models (and on from there:
journal entries, consents, revocations, plans, insats details, stored files...), one query per
relation per level, so a model another app adds later is included without changes here. Registerutdrag
renders the rows; gallring removes them. Visibility is applied by the caller (cases.selectors) and by
`case_ids`, which limits the cases (and everything under them) to those the user may see.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case, Custodian, Person, ProtectionLevel
from core.history import MASK
from core.models import AccessGrantEvent, AccessLog
from documents.models import Document

MAX_DEPTH = 6


def _reverse_relations(model: type[models.Model]) -> list:
    """Relations from other models' foreign keys to this model (including auto-created m2m tables)."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]


@dataclass
class PersonFile:
    """Rows of one person's file, by model, in walk order (parents before children)."""

    rows: dict[type[models.Model], dict] = field(default_factory=dict)  # model -> {pk: instance}

    def add(self, model, instances) -> list:
        bucket = self.rows.setdefault(model, {})
        new = [instance for instance in instances if instance.pk not in bucket]
        for instance in new:
            bucket[instance.pk] = instance
        return new

    def model_list(self) -> list[type[models.Model]]:
        return list(self.rows)

    def instances(self, model) -> list[models.Model]:
        return list(self.rows.get(model, {}).values())

    def count(self) -> dict[str, int]:
        return {model._meta.label: len(rows) for model, rows in self.rows.items() if rows}


def person_file_rows(
    *,
    person_ids: Iterable[UUID],
    case_ids: Iterable[UUID] | None = None,
    include_through: bool = True,
    skip: Iterable[type[models.Model]] = (),
) -> PersonFile:
    """Every row that belongs to these people's files.

    case_ids: when given, only these cases (and their sub-records) are included (registerutdrag shows
    the cases the user may see). include_through: include auto-created many-to-many rows (gallring
    needs them; an extract shows the many-to-many values on the row instead). skip: models not walked.
    """
    found = PersonFile()
    skipped = set(skip)
    people = list(Person._base_manager.filter(pk__in=list(person_ids)))
    frontier = {Person: found.add(Person, people)}
    allowed_cases = set(case_ids) if case_ids is not None else None
    for _depth in range(MAX_DEPTH):
        next_frontier: dict = defaultdict(list)
        for parent_model, parents in frontier.items():
            if not parents:
                continue
            parent_ids = [parent.pk for parent in parents]
            for relation in _reverse_relations(parent_model):
                child_model = relation.related_model
                if child_model in skipped:
                    continue
                if child_model._meta.auto_created and not include_through:
                    continue
                children = child_model._base_manager.filter(**{f"{relation.field.name}__in": parent_ids})
                if child_model is Case and allowed_cases is not None:
                    children = children.filter(pk__in=allowed_cases)
                new = found.add(child_model, children)
                if new:
                    next_frontier[child_model].extend(new)
        if not next_frontier:
            break
        frontier = next_frontier
    return found


# --- rendering for registerutdrag -----------------------------------------------------------------

# Fields masked, by model label, while the person's identity is masked for the viewer: the models' own
# identity_fields (cases.models, the one masking rule; a received document's name and description often
# name the person), in extract rows and history rows.
IDENTITY_FIELDS = {model._meta.label_lower: model.identity_fields for model in (Person, Custodian, Document)}


def _value_text(instance: models.Model, model_field: models.Field) -> str:
    if model_field.choices:
        return str(getattr(instance, f"get_{model_field.name}_display")())
    value = getattr(instance, model_field.attname)
    if value is None or value == "":
        return ""
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, model_field.name)
        return str(related)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass
class ExtractSection:
    key: str  # "app_label.model"
    title: str
    rows: list[dict[str, str]]


def _masked_field(model_field: models.Field) -> bool:
    """Whether a field holds identity that is masked with the person's: one of IDENTITY_FIELDS, or a link to
    a row of those (a consent's custodian is shown by name)."""
    if isinstance(model_field, models.ForeignKey):
        return model_field.related_model._meta.label_lower in IDENTITY_FIELDS
    return model_field.name in IDENTITY_FIELDS.get(model_field.model._meta.label_lower, ())


# Bookkeeping a reader cannot use: the version counter of optimistic locking, an aktbilaga's utlämnande by id
# (its recipient is shown as `sent_to`, and the utlämnande itself in its own section).
# not information about the person: counters, a link by id, and the secret key of statistical disclosure control
BOOKKEEPING_FIELDS = {"version", "disclosure_pk", "statistics_key"}


def _shown_in_extract(model_field: models.Field) -> bool:
    """Whether a field is information for the person: not the row's internal id or version counter, not where a
    file is stored (its own name and type are shown beside it), and not the link back to the person (it is the
    person themself; a masked identity stays masked)."""
    if model_field.primary_key or model_field.name in BOOKKEEPING_FIELDS or isinstance(model_field, models.FileField):
        return False
    return not (isinstance(model_field, models.ForeignKey) and model_field.related_model is Person)


def _render_model_rows(model: type[models.Model], instances: list[models.Model], *, masked: bool) -> ExtractSection:
    shown_fields = [model_field for model_field in model._meta.concrete_fields if _shown_in_extract(model_field)]
    fk_names = [f.name for f in shown_fields if isinstance(f, models.ForeignKey) and f.related_model is not Person]
    m2m_fields = list(model._meta.many_to_many)
    loaded = model._base_manager.filter(pk__in=[i.pk for i in instances]).select_related(*fk_names)
    if m2m_fields:
        loaded = loaded.prefetch_related(*[f.name for f in m2m_fields])
    rows = []
    for instance in loaded.order_by("pk"):
        row = {str(f.verbose_name): _value_text(instance, f) for f in shown_fields}
        if masked:
            row |= {str(f.verbose_name): MASK for f in shown_fields if _masked_field(f) and row[str(f.verbose_name)]}
        for m2m in m2m_fields:
            row[str(m2m.verbose_name)] = ", ".join(str(item) for item in getattr(instance, m2m.name).all())
        rows.append(row)
    return ExtractSection(key=model._meta.label_lower, title=str(model._meta.verbose_name_plural), rows=rows)


def person_extract_sections(*, person: Person, case_ids: Iterable[UUID], skip=()) -> list[ExtractSection]:
    """Registerutdrag content below the person's own data: every record of their file the user may see.

    `person` was loaded and marked for identity by cases.selectors; its own identity is rendered by
    the caller with display_name / display_id_number / display_address, never here.
    """
    person_file = person_file_rows(person_ids=[person.pk], case_ids=case_ids, include_through=False, skip=skip)
    sections = []
    for model in person_file.model_list():
        if model is Person:
            continue
        instances = person_file.instances(model)
        if instances:
            sections.append(_render_model_rows(model, instances, masked=not person.shows_identity))
    return sections


def person_identity(person: Person, *, for_pdf: bool) -> dict[str, str]:
    """The person's own data at the top of an extract, masked as the viewer must see it.

    The PDF leaves out the address of a person with skyddad folkbokföring.
    """
    show_address = not (for_pdf and person.protection == ProtectionLevel.PROTECTED_REGISTRATION)
    return {
        _("Namn"): str(person.display_name),
        _("Personnummer"): person.display_id_number,
        _("Födelsedatum"): person.display_birth_date.isoformat() if person.display_birth_date else MASK,
        _("Kön"): person.get_gender_display(),
        _("Adress"): person.display_address if show_address else str(_("Skyddad folkbokföring")),
        _("Område"): str(person.display_district or "") if person.shows_identity else MASK,
        _("Skyddade personuppgifter"): person.get_protection_display() if person.protection else _("Nej"),
        _("Registrerad av enhet"): str(person.unit),
        _("Registrerad"): date_format(timezone.localtime(person.created_at), "Y-m-d"),
    }


@dataclass
class RegisterExtract:
    """A registerutdrag as the user may see it: the file's records, who read it, who was given access, changes."""

    person: Person
    sections: list[ExtractSection]
    reads: list[AccessLog]
    grants: list[AccessGrantEvent]
    history_rows: list[dict]
    generated_at: datetime.datetime
