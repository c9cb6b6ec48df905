"""Reference data (catalogues) that the data migrations load, restored whenever a table is empty.

A test database flush (transactional tests) or a fresh database would otherwise lose the catalogues
that only data migrations create. Each app lists its own in its AppConfig (core knows none of them):

    reference_data = [("cases.migrations.0003_insats_catalogue_and_guards", "cases.InsatsType")]

naming the data migration whose `load(apps, schema_editor)` fills the model (a catalogue that later migrations
extend lists each of them, in order); they run only on an empty table, so edits made in the admin are never
overwritten.
"""

import importlib

from django.apps import apps


def reference_data_restore() -> None:
    for app_config in apps.get_app_configs():
        listed = getattr(app_config, "reference_data", ())
        # emptiness is checked before loading: a catalogue filled by two migrations gets both loads
        empty = {model_label for _, model_label in listed if not apps.get_model(model_label).objects.exists()}
        for module_name, model_label in listed:
            if model_label in empty:
                importlib.import_module(module_name).load(apps, None)
