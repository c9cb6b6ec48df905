"""Change-history assertions: exactly the rows one call wrote, compared whole.

with history_written() as rows:
    ended = services.community_service_end(actor=handler, ...)
assert rows == [row(handler, ended, ChangeAction.UPDATE, {"status": ["pagar", "avbruten"]}, case=case)]
"""

import inspect
import pkgutil
from contextlib import contextmanager

from django.db.models import Max

from core.models import ChangeLog


@contextmanager
def history_written():
    """The change-history rows written inside the block, oldest first, as tuples made by row()."""
    mark = ChangeLog.objects.aggregate(top=Max("id"))["top"] or 0
    rows: list[tuple] = []
    yield rows
    rows.extend(
        (entry.actor, entry.object_type, entry.object_id, entry.person_id, entry.case_id, entry.action, entry.changes)
        for entry in ChangeLog.objects.filter(id__gt=mark).select_related("actor").order_by("id")
    )


def row(actor, instance, action, changes: dict, *, case=None, person_id=None) -> tuple:
    """The row expected for `instance`: owned by the case's file, by a person (person_id), or by no one."""
    return (
        actor,
        instance._meta.label_lower,
        str(instance.pk),
        case.person_id if case is not None else person_id,
        case.pk if case is not None else None,
        action,
        changes,
    )


def created(**values) -> dict:
    """Changes of a CREATE: {field: [None, value]}."""
    return {name: [None, value] for name, value in values.items()}


def _submodules(package) -> list[str]:
    """Names of the modules of a package (none for a plain module)."""
    return [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(getattr(package, "__path__", []))]


def untested_write_services(services, test_globals: dict, *, not_audited=(), tested_elsewhere=()) -> set[str]:
    """Public functions of a services module with no `test_<name>` in the test module whose globals are
    given, less those listed as not a change of a record or as tested in another module by name."""
    public = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        # a services package (interventions.services) re-exports the functions of its submodules
        if function.__module__.startswith(f"{services.__name__}.")
        or function.__module__ == services.__name__
        and not name.startswith("_")
    }
    assert set(not_audited) <= public, "a listed exception is no longer a public service"
    tested = {name.removeprefix("test_") for name in test_globals if name.startswith("test_")}
    return public - set(not_audited) - set(tested_elsewhere) - tested
