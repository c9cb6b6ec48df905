"""The rules for registering people and opening and closing cases, in one place.

cases.services applies them to one record at a time (the browser's forms); cases.importer applies them to
every row of a spreadsheet, in memory, before anything is written. Each function is pure (no queries,
no writes): it returns a value or raises django.core.exceptions.ValidationError keyed by field, with the
Swedish messages the forms show. A rule changed here changes for both.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from cases.identity import IdKind, normalise_reserve_number, parse_id_number
from cases.models import ClosureReason, InsatsType

# A number that is already registered: the message when the user may see that person (the browser links
# to them, the import adds the row's case to them) ...
DUPLICATE_NUMBER = gettext_lazy("Det finns redan en person registrerad med det numret.")
# ... and when the user may not: no hint of who the person is or where they are registered.
NOT_REGISTRABLE_HERE = gettext_lazy(
    "Personen kan inte registreras här. Kontakta din enhetschef eller systemadministratören "
    "om du behöver arbeta med personen."
)


@dataclass(frozen=True)
class Identity:
    kind: str
    number: str  # normalised: 12 digits, or the reservnummer as stored
    birth_date: datetime.date
    gender: str


def identity_resolve(
    *,
    id_kind: str | None,
    id_number: str,
    birth_date: datetime.date | None,
    gender: str | None,
    today: datetime.date | None = None,
) -> Identity:
    """Validate and normalise an identity number; birth date and gender come from it where possible.

    id_kind None (the import's optional "typ av nummer" column left empty): personnummer or
    samordningsnummer as the number itself says. A reservnummer needs its kind and a birth date.
    An unreadable reservnummer raises an error without a field (as the register form has always shown it).
    """
    if id_kind == IdKind.RESERVE:
        number = normalise_reserve_number(id_number)
        if birth_date is None:
            raise ValidationError({"birth_date": _("Ange födelsedatum för en person med reservnummer.")})
        return Identity(IdKind.RESERVE, number, birth_date, gender or "okant")
    try:
        parsed = parse_id_number(id_number, today=today)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    if id_kind is not None and parsed.kind != id_kind:
        label = _("ett samordningsnummer") if parsed.kind == IdKind.COORDINATION else _("ett personnummer")
        raise ValidationError({"id_kind": _("Numret är %(label)s. Välj rätt typ av nummer.") % {"label": label}})
    return Identity(parsed.kind, parsed.number, parsed.birth_date, gender or parsed.gender)


def existing_person_message(*, visible: bool) -> StrOrPromise:
    """What the user is told when the number is registered already (see DUPLICATE_NUMBER)."""
    return DUPLICATE_NUMBER if visible else NOT_REGISTRABLE_HERE


# Ärendenummer: the year the case was opened, a hyphen and the case's serial within that year, padded to at
# least four digits (2025-0042). case_open, the import and the demo and test data all number through here.
CASE_NUMBER = re.compile(r"(\d{4})-(\d{1,6})")


def case_number_format(*, year: int, serial: int) -> str:
    return f"{year}-{serial:04d}"


def case_number_parse(number: str) -> tuple[int, int] | None:
    """(year, serial) of a well-formed ärendenummer such as 2024-0153, else None."""
    match = CASE_NUMBER.fullmatch(number)
    return (int(match[1]), int(match[2])) if match else None


def check_insats_age(*, age: int, insats_type: InsatsType) -> None:
    """The person's age at aktualiseringen (Person.age_on) must be within the insats's range."""
    if not insats_type.min_age <= age <= insats_type.max_age:
        raise ValidationError(
            {
                "insats_type": _(
                    "%(insats)s är för personer %(min)s–%(max)s år. Personen är %(age)s år vid aktualiseringen."
                )
                % {
                    "insats": insats_type.name,
                    "min": insats_type.min_age,
                    "max": insats_type.max_age,
                    "age": age,
                }
            },
            code="age",
        )


def check_case_open(
    *,
    insats_type: InsatsType,
    unit_id: int | None,
    handler_unit_id: int | None,
    opened_on: datetime.date,
    age: int,
    today: datetime.date,
) -> None:
    """Opening an ärende: not in the future, an insats with individual cases, a handläggare of the unit;
    then (only when those hold) the age must fit the insats."""
    errors: dict[str, StrOrPromise] = {}
    if opened_on > today:
        errors["opened_on"] = _("Datumet kan inte ligga i framtiden.")
    if not insats_type.has_individual_cases:
        errors["insats_type"] = _("%(insats)s har inga individärenden.") % {"insats": insats_type.name}
    if handler_unit_id != unit_id:
        errors["handler"] = _("Handläggaren arbetar inte på den valda enheten.")
    if errors:
        raise ValidationError(errors)
    check_insats_age(age=age, insats_type=insats_type)


def check_case_close(*, reason: str, closed_on: datetime.date, opened_on: datetime.date, today: datetime.date) -> None:
    """Closing an ärende: a known reason, a date neither before the aktualisering nor in the future."""
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = _("Ange en avslutsorsak.")
    if closed_on < opened_on:
        errors["closed_on"] = _("Avslutsdatum kan inte vara före aktualiseringsdatum (%(date)s).") % {
            "date": opened_on.isoformat()
        }
    elif closed_on > today:
        errors["closed_on"] = _("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ValidationError(errors)


# The target group (docs/domain.md "Core records"): 10–21 years; the insatsteam's insatser (SIG, Avhopp, see
# the catalogue's age ranges) take young adults up to 29.
TARGET_GROUP_MIN_AGE = 10
TARGET_GROUP_MAX_AGE = 21
INSATSTEAM_MAX_AGE = 29


def target_group_warning(*, age: int) -> str | None:
    """Why a person of this age is outside the target group, or None. Registering them anyway is allowed,
    after the user confirms (the register form's "Jag bekräftar…")."""
    if TARGET_GROUP_MIN_AGE <= age <= TARGET_GROUP_MAX_AGE:
        return None
    facts = {
        "age": age,
        "min": TARGET_GROUP_MIN_AGE,
        "max": TARGET_GROUP_MAX_AGE,
        "team_max": INSATSTEAM_MAX_AGE,
    }
    if TARGET_GROUP_MAX_AGE < age <= INSATSTEAM_MAX_AGE:
        return (
            _(
                "Personen är %(age)s år, äldre än målgruppen %(min)s–%(max)s år. Bara insatsteamets insatser "
                "(SIG och Avhopp) tar emot personer upp till %(team_max)s år."
            )
            % facts
        )
    return (
        _(
            "Personen är %(age)s år och utanför målgruppen (%(min)s–%(max)s år, insatsteamet upp till "
            "%(team_max)s år). Ingen insats tar emot personer i den åldern."
        )
        % facts
    )
