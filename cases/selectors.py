"""Reads of people, cases and journal entries: the one place that applies the user's permissions.

Visibility (deny by default):
- a case is visible to staff of its unit, and to users granted `view_case` on it (django-guardian,
  direct foreign-key permission table);
- a person is visible when registered by the user's unit or when one of their cases is visible;
- a protected identity (skyddade personuppgifter) is shown only to users granted
  `view_protected_identity` on that person or globally; everyone else sees it masked.
Anything not visible is a 404, exactly like something that does not exist.
Functions that return named people for display write the access-log row themselves.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict
from uuid import UUID

from django.db.models import BigIntegerField, Count, Exists, F, OrderBy, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest

from cases.identity import search_forms
from cases.models import (
    Case,
    CaseUserObjectPermission,
    Custodian,
    IdentityAccessRequest,
    IdentityRequestStatus,
    JournalEntry,
    Person,
    PersonUserObjectPermission,
    SearchName,
)
from cases.search_names import fold
from core.access_log import Seen, access_log_record
from core.models import AccessAction, User


def _case_grants(user: User) -> QuerySet[CaseUserObjectPermission]:
    return CaseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_case", content_object=OuterRef("pk")
    )


def case_queryset_for_user(user: User) -> QuerySet[Case]:
    """Cases the user may see: own unit, or a per-case grant. Scoped in the query itself."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    if not user.has_perm("cases.view_case"):
        return Case.objects.none()
    return Case.objects.filter(Q(unit_id=user.unit_id) | Exists(_case_grants(user)))


def case_queryset_parts_for_user(user: User) -> list[QuerySet[Case]]:
    """The cases of case_queryset_for_user as disjoint parts that an index finds: the unit's own, and those granted
    outside it. For reads over every visible case rather than one handläggare's (Planering's counts and list):
    for "own unit OR granted" PostgreSQL reads every case in the database, ≈ 1 s a scan at scale L."""
    visible = case_queryset_for_user(user)
    if not (user.is_authenticated and user.is_active and user.unit_id) or user.is_superuser:
        return [visible]
    granted_elsewhere = visible.filter(Exists(_case_grants(user))).exclude(unit_id=user.unit_id)
    return [visible.filter(unit_id=user.unit_id), granted_elsewhere]


def person_queryset_for_user(user: User) -> QuerySet[Person]:
    """People the user may see: registered by their unit, or with a case they may see."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    if not user.has_perm("cases.view_person"):
        return Person.objects.none()
    visible_cases = case_queryset_for_user(user).filter(person_id=OuterRef("pk"))
    return Person.objects.filter(Q(unit_id=user.unit_id) | Exists(visible_cases))


def identity_visible_q(user: User) -> Q:
    """The people whose identity the user may see, as a filter: unprotected people, and protected people the
    user is named for (or all, with the global permission). The queryset form of mark_identity_visibility, for
    what is matched on an identity field (a typed number, a district filter): a masked person must never be
    found by the detail that is masked."""
    if user.is_superuser or user.has_perm("cases.view_protected_identity"):
        return Q()
    named = PersonUserObjectPermission.objects.filter(
        user_id=user.pk,
        permission__content_type__app_label="cases",
        permission__codename="view_protected_identity",
    ).values("content_object_id")
    return Q(protection="") | Q(pk__in=named)


def person_identified_queryset_for_user(user: User) -> QuerySet[Person]:
    """Visible people whose identity the user may also see (identity_visible_q)."""
    return person_queryset_for_user(user).filter(identity_visible_q(user))


def mark_identity_visibility(user: User, people: Iterable[Person]) -> list[Person]:
    """Set `identity_visible` on each protected person the user is allowed to see unmasked (one query)."""
    people = [person for person in people if person is not None]
    protected = [person for person in people if person.is_protected]
    if not protected:
        return people
    if user.is_superuser or user.has_perm("cases.view_protected_identity"):
        allowed = {person.pk for person in protected}
    else:
        allowed = set(
            PersonUserObjectPermission.objects.filter(
                user=user,
                # joined in the same query (no separate Permission lookup)
                permission__content_type__app_label="cases",
                permission__codename="view_protected_identity",
                content_object_id__in=[person.pk for person in protected],
            ).values_list("content_object_id", flat=True)
        )
    for person in protected:
        person.identity_visible = person.pk in allowed
    return people


def _log_people(
    *,
    user: User,
    request: HttpRequest | None,
    action: AccessAction,
    what: str,
    rows: Iterable[tuple[Person, Case | None]],
) -> None:
    if action == AccessAction.VIEW and request is not None and request.method == "POST":
        action = AccessAction.CHANGE  # a record fetched to save a form on it is a change, not a view
    access_log_record(
        user=user,
        request=request,
        action=action,
        what=what,
        seen=[
            Seen(
                person_id=person.pk,
                case_id=case.pk if case else None,
                protected_identity=person.is_protected and person.identity_visible,
            )
            for person, case in rows
        ],
    )


def case_get_for_user(
    *,
    user: User,
    case_id: UUID,
    request: HttpRequest | None = None,
    what: str = "case_page",
    log: bool = True,
) -> Case:
    """One visible case with person and catalogue rows loaded; logs the view. 404 if not visible."""
    case = (
        case_queryset_for_user(user)
        .select_related("person", "person__district", "insats_type", "unit", "handler")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    mark_identity_visibility(user, [case.person])
    if log:
        _log_people(user=user, request=request, action=AccessAction.VIEW, what=what, rows=[(case.person, case)])
    return case


def person_get_for_user(
    *,
    user: User,
    person_id: UUID,
    request: HttpRequest | None = None,
    what: str = "person_page",
    log: bool = True,
) -> Person:
    """One visible person with custodians; logs the view. 404 if not visible."""
    person = (
        person_queryset_for_user(user)
        .select_related("district", "unit")
        .prefetch_related("custodians")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise Http404
    mark_identity_visibility(user, [person])
    if log:
        _log_people(user=user, request=request, action=AccessAction.VIEW, what=what, rows=[(person, None)])
    return person


def person_find(*, user: User, person_id: UUID) -> Person | None:
    """The person if the user may see them, else None (also when there is no such person); not logged: for a
    link to the person, never their details."""
    return person_queryset_for_user(user).filter(pk=person_id).first()


def person_find_identified(*, user: User, person_id: UUID) -> Person | None:
    """As person_find, but None also for a protected person whose identity the user may not see: for a match
    on a typed number, where a link to the masked person would confirm who it is."""
    return person_identified_queryset_for_user(user).filter(pk=person_id).first()


def case_is_visible(*, user: User, case_id: UUID) -> bool:
    """Whether the user may see the case (e.g. one they just opened in another unit of their provider)."""
    return case_queryset_for_user(user).filter(pk=case_id).exists()


def custodian_get(*, person: Person, custodian_id: int) -> Custodian:
    """A custodian of a person the caller fetched through person_get_for_user; 404 when not theirs."""
    custodian = Custodian.objects.filter(person=person, pk=custodian_id).first()
    if custodian is None:
        raise Http404
    return custodian


def identity_request_pending(*, user: User, person: Person) -> IdentityAccessRequest | None:
    """The user's own undecided request to be named for this person (fetched through person_get_for_user)."""
    return IdentityAccessRequest.objects.filter(
        person=person, requested_by=user, status=IdentityRequestStatus.PENDING
    ).first()


def identity_requests_for_person(*, person: Person) -> QuerySet[IdentityAccessRequest]:
    """Undecided requests to be named for a person, for the enhetschef's page (person fetched with that right)."""
    return IdentityAccessRequest.objects.filter(person=person, status=IdentityRequestStatus.PENDING).select_related(
        "requested_by", "requested_by__unit"
    )


def person_find_by_id_number(*, user: User, id_number: str) -> Person | None:
    """The visible person with this normalised number, or None (also when it exists but is not visible, or is
    protected and the user may not see the identity: the number must not confirm who a masked person is)."""
    return person_identified_queryset_for_user(user).filter(id_number=id_number).first()


def case_list_log(*, user: User, cases: Iterable[Case], request: HttpRequest | None, what: str) -> list[Case]:
    """Mask and log the rows of a case list page actually shown (cases with person selected)."""
    cases = list(cases)
    mark_identity_visibility(user, [case.person for case in cases])
    _log_people(user=user, request=request, action=AccessAction.LIST, what=what, rows=[(c.person, c) for c in cases])
    return cases


SEARCH_LIMIT = 50


@dataclass
class SearchResults:
    people: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)  # a typed case number: the case itself, person selected
    truncated: bool = False  # more people matched than are shown (the first SEARCH_LIMIT by name)


def search(*, user: User, query: str, request: HttpRequest | None = None, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Search visible people by personnummer (any common form) or name, and visible cases by case number;
    what is shown is logged.

    Names match without diacritics ("Kovac" finds "Kovač"). A protected person is found by name only by
    users allowed to see the identity, so masked rows never confirm a typed name.
    """
    query = (query or "").strip()
    if not query:
        return SearchResults()
    people = person_queryset_for_user(user).select_related("district")
    cases: list[Case] = []
    number = search_forms(query)
    by_name = not number and not any(char.isdigit() for char in query)
    if number:
        people = people.filter(id_number=number)
    elif not by_name:
        people = people.filter(id_number=query.upper())  # a reservnummer
        cases = list(
            case_queryset_for_user(user)
            .filter(number=query.upper())
            .select_related("person", "person__district", "insats_type", "unit", "handler")
        )
    else:
        terms = [fold(term) for term in query.split()]
        # every term in the person's folded name; the index has a row per person and unit, any will do
        for term in terms:
            people = people.filter(Exists(SearchName.objects.filter(person_id=OuterRef("pk"), name__icontains=term)))
        if not user.is_superuser:
            people = people.filter(pk__in=_name_candidates(user, terms, limit + 1))
    found = list(people.order_by("last_name", "first_name", "pk")[: limit + 1])
    truncated = len(found) > limit
    found = found[:limit]
    mark_identity_visibility(user, [*found, *(case.person for case in cases)])
    # a protected person is never found by a typed name or number unless the user may see who it is: a
    # masked row would confirm it (a case number is no identity: the case is found, masked)
    found = [person for person in found if person.shows_identity]
    _log_people(
        user=user,
        request=request,
        action=AccessAction.SEARCH,
        what="search",
        rows=[*((p, None) for p in found), *((case.person, case) for case in cases)],
    )
    return SearchResults(people=found, cases=cases, truncated=truncated)


def person_search(
    *, user: User, query: str, request: HttpRequest | None = None, limit: int = SEARCH_LIMIT
) -> list[Person]:
    """The people search() finds, with the person of a case found by its number; logged as search() logs."""
    results = search(user=user, query=query, request=request, limit=limit)
    people = list(results.people)
    for case in results.cases:
        if case.person not in people:
            people.append(case.person)
    return people


# pg_trgm gets no trigram from fewer letters: shorter terms are matched on the columns (see _name_candidates)
TRIGRAM_MIN_LENGTH = 3


def _name_candidates(user: User, terms: list[str], limit: int) -> list[UUID]:
    """Ids of people whose name holds every (folded) term, first `limit` by name from the user's unit, plus the
    people of cases granted to the user. The caller still applies person_queryset_for_user and the names.

    The unit's part comes from the name search index (SearchName, one row per person and unit that sees
    them), so a common fragment ("ohan") is matched among the unit's people, not among everyone in the country.
    """
    # typed bigint: btree_gin (PostgreSQL < 18) indexes only same-type comparisons, and a bare 11 is an integer
    in_unit = SearchName.objects.filter(unit_id=Cast(Value(user.unit_id), BigIntegerField()))
    for term in terms:
        if len(term) >= TRIGRAM_MIN_LENGTH:
            in_unit = in_unit.filter(name__icontains=term)
        else:
            # without a trigram the GIN index would read all of itself; matched on the columns instead,
            # these walk the unit's rows in name order (search_name_unit_order). The columns are not folded:
            # a one- or two-letter term finds only names spelt as typed.
            in_unit = in_unit.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    ids = list(in_unit.order_by("last_name", "first_name", "person_id").values_list("person_id", flat=True)[:limit])
    granted = CaseUserObjectPermission.objects.filter(user=user, permission__codename="view_case")
    ids += granted.values_list("content_object__person_id", flat=True).distinct()
    return ids


# Sort keys of "Mina ärenden" -> ORDER BY (a whitelist; the request never names a column directly).
CASE_LIST_ORDERINGS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    # protected identities last and by case number, so the order never hints at a masked name
    "person": ("person_sort_protected", "person_sort_last", "person_sort_first", "number"),
    "insats": ("insats_type__sort_order", "number"),
    "opened": ("opened_on", "number"),
    "days": ("-opened_on", "-number"),
    "follow_up": ("next_follow_up_on", "number"),
}


def case_list_mine(*, user: User, order: str = "follow_up", descending: bool = False) -> QuerySet[Case]:
    """The user's own open cases (Mina ärenden), with person and insats loaded; unlogged until shown.

    Callers log the rows they show with case_list_log. Sorting by person puts protected identities last,
    ordered by case number, so a masked row's position never hints at the name.
    """
    fields = CASE_LIST_ORDERINGS.get(order, CASE_LIST_ORDERINGS["follow_up"])
    if descending:
        fields = tuple(field[1:] if field.startswith("-") else f"-{field}" for field in fields)
    if order == "follow_up":
        follow_up = F("next_follow_up_on")
        first = follow_up.desc(nulls_last=True) if descending else follow_up.asc(nulls_last=True)
        ordering: tuple[str | OrderBy, ...] = (first, *fields[1:])
    else:
        ordering = fields
    rows = case_queryset_for_user(user).filter(handler=user, closed_on__isnull=True)
    if order == "person":
        unprotected = Q(person__protection="")
        rows = rows.annotate(
            person_sort_protected=SqlCase(When(unprotected, then=Value(0)), default=Value(1)),
            person_sort_last=SqlCase(When(unprotected, then=F("person__last_name")), default=Value("")),
            person_sort_first=SqlCase(When(unprotected, then=F("person__first_name")), default=Value("")),
        )
    return rows.select_related("person", "insats_type").order_by(*ordering)


class InsatsCount(TypedDict):
    insats_type__name: str
    insats_type__sort_order: int
    count: int


def case_counts_mine(*, user: User) -> list[InsatsCount]:
    """Number of the user's open cases per insats, counted in the database (one query)."""
    return list(
        case_queryset_for_user(user)
        .filter(handler=user, closed_on__isnull=True)
        .values("insats_type__name", "insats_type__sort_order")
        .annotate(count=Count("id"))
        .order_by("insats_type__sort_order")
    )


def case_list_for_person(*, user: User, person: Person) -> QuerySet[Case]:
    """The cases of a person (already fetched via person_get_for_user) that the user may see, newest first."""
    return (
        case_queryset_for_user(user)
        .filter(person=person)
        .select_related("insats_type", "unit", "handler")
        .order_by("-opened_on", "-number")
    )


def case_timeline_entries(case: Case) -> list[JournalEntry]:
    """All entries of a case (fetched via case_get_for_user) in one query, newest first; each entry gets
    `correction_list` (entries correcting it) and `corrected_entry` filled in from the same list."""
    entries = list(JournalEntry.objects.filter(case=case).select_related("author").order_by("-occurred_on", "-id"))
    by_id = {entry.pk: entry for entry in entries}
    for entry in entries:
        entry.correction_list = []
    for entry in entries:
        entry.corrected_entry = by_id.get(entry.corrects_id) if entry.corrects_id is not None else None
        if entry.corrected_entry is not None:
            entry.corrected_entry.correction_list.append(entry)
    return entries


def journal_entry_get(*, case: Case, entry_id: int) -> JournalEntry:
    """An entry of a case the caller fetched through case_get_for_user; 404 when it belongs elsewhere."""
    entry = JournalEntry.objects.filter(case=case, pk=entry_id).select_related("author").first()
    if entry is None:
        raise Http404
    return entry
