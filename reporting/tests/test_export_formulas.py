"""Siffror and the report's Excel and CSV files: a district or provider name typed as a formula is written as
text, and Excel does not run it (issue 25.6). Counts stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import District

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_names(unit, seed_2016):
    district = District.objects.filter(name="Skäggetorp").get()
    district.name = '=HYPERLINK("http://x.test","Skäggetorp")'
    district.save(update_fields=["name"])
    provider = unit.provider
    provider.name = "@SUM(1+1)*cmd"
    provider.save(update_fields=["name"])
    return district


@pytest.mark.django_db
def test_siffror_excel_and_csv_write_formula_like_names_as_text(client, manager, unit, formula_names, agreement):
    client.force_login(manager)
    query = f"scope=provider-{unit.provider_id}&kind=year&year=2016"

    workbook = load_workbook(io.BytesIO(client.get(f"/uppfoljning/siffror/?{query}&format=xlsx").content))
    texts, numbers = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS) or cell.value.lstrip("+-").strip()[:1].isdigit()
                    texts.append(cell.value)
                elif isinstance(cell.value, int | float):
                    numbers.append(cell.value)
    assert "'" + formula_names.name in texts
    assert any(text.startswith("'@SUM(1+1)*cmd") or "@SUM(1+1)*cmd" in text for text in texts)
    assert 353 in numbers  # counts stay numbers

    body = client.get(f"/uppfoljning/siffror/?{query}&format=csv").content.decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(body), delimiter=";") for cell in line]
    assert "'" + formula_names.name in cells
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").strip()[:1].isdigit(), cell
