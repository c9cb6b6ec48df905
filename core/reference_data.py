"""Reference data (catalogues) that the data migrations load, restored whenever a table is empty.

A test database flush (transactional tests) or a fresh database would otherwise lose the catalogues
that only data migrations create. Each entry names the data migration whose `load(apps, schema_editor)`
fills the model; it runs only on an empty table, so edits made in the admin are never overwritten.
"""

import importlib

from django.apps import apps

CATALOGUES = [
    ("cases.migrations.0003_insats_catalogue_and_guards", "cases.InsatsType"),
    ("consent.migrations.0003_actor_catalogue_and_guards", "consent.Actor"),
    ("consent.migrations.0005_legal_basis_catalogue_and_guard", "consent.LegalBasis"),
    ("interventions.migrations.0002_polare_fee_table", "interventions.PolareFeeRate"),
    ("core.migrations.0004_guards_and_default_rules", "core.RetentionRule"),
]


def reference_data_restore() -> None:
    for module_name, model_label in CATALOGUES:
        if not apps.get_model(model_label).objects.exists():
            importlib.import_module(module_name).load(apps, None)
