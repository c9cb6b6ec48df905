"""Seed the lagrum catalogue and a delegationsordning to start from (both editable in the admin).

The socialtjänstlag (2025:400) replaced SoL (2001:453) on 2025-07-01; beslut made before then stay under the
old law, so both are listed with the days they were in force. `load` also restores the rows on an empty table
(core.reference_data)."""

import datetime

from django.db import migrations

NEW_LAW = "SoL (2025:400)"
OLD_LAW = "SoL (2001:453)"
NEW_LAW_FROM = datetime.date(2025, 7, 1)
OLD_LAW_TO = datetime.date(2025, 6, 30)

LAGRUM = [
    # code, law, section, title, sort order
    ("sol2025-11-1", NEW_LAW, "11 kap. 1 §", "Rätt till bistånd", 10),
    ("sol2001-4-1", OLD_LAW, "4 kap. 1 §", "Rätt till bistånd för försörjningen och livsföringen i övrigt", 50),
    ("sol2001-4-2", OLD_LAW, "4 kap. 2 §", "Bistånd utöver vad som följer av 4 kap. 1 §", 51),
]

# outcome -> role group names allowed to decide (every insats); the nämnd adapts it to its own delegationsordning
DELEGATION = {
    "bifall": ["socialsekreterare", "samordnare", "enhetschef"],
    "delvis_bifall": ["enhetschef"],
    "avslag": ["enhetschef"],
}


def load(apps, schema_editor):
    Lagrum = apps.get_model("decisions", "Lagrum")
    DelegationRule = apps.get_model("decisions", "DelegationRule")
    Group = apps.get_model("auth", "Group")
    for code, law, section, title, order in LAGRUM:
        Lagrum.objects.get_or_create(
            code=code,
            defaults={
                "law": law,
                "section": section,
                "title": title,
                "sort_order": order,
                "in_force_from": NEW_LAW_FROM if law == NEW_LAW else None,
                "in_force_to": OLD_LAW_TO if law == OLD_LAW else None,
            },
        )
    if DelegationRule.objects.exists():
        return
    for outcome, roles in DELEGATION.items():
        rule = DelegationRule.objects.create(outcome=outcome, insats_type=None, note="Grundinställning")
        rule.roles.set([Group.objects.get_or_create(name=name)[0] for name in roles])


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_decisions_lagrum_delegation")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
