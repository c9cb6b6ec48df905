"""The nämnd PDF as a reader gets it: a table of contents with the right pages, whole tables, drawn charts."""

import contextlib
import re
import subprocess
import zlib

import pytest

from reporting import pdf
from reporting.figures import Period, Scope, follow_up
from tests.environment import require

META = {"version": 1, "finalised": False, "reference": "ON 2017/0042"}


@pytest.fixture
def figures(seed_2016, unit, agreement) -> dict:
    return follow_up(Period.year(2016), Scope(provider_id=unit.provider_id), agreement=agreement).as_dict()


@pytest.fixture
def document(figures) -> bytes:
    return pdf.render_pdf(figures, commentary={}, meta=META)


def pages_text(document: bytes) -> list[str]:
    """The text of each page, laid out as printed."""
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document, capture_output=True, check=True)
    return text.stdout.decode().replace("\u00a0", " ").split("\f")[:-1]


@pytest.mark.requires("pdftotext")
@pytest.mark.django_db
def test_the_table_of_contents_gives_every_section_the_page_it_starts_on(figures, document):
    pages = pages_text(document)
    entries = [
        (match[1], int(match[2]))
        for match in re.finditer(r"^\s*\d+\.\s+(\S.*?)[\s.]+(\d+)$", pages[0], re.MULTILINE)  # leader or not
    ]

    sections = ["Sammanfattning", "Volymer mot överenskommelsen", "Avslut och behandlingsavbrott", "Områden"]
    sections += ["Ålder och kön", *(extra["title"] for extra in figures["extras"]), "Överenskommelse och budget"]
    sections += ["Bedömning och förslag", "Om siffrorna"]
    assert [title for title, _ in entries] == sections
    for title, page in entries:
        # the heading is the first line on a page after the contents to begin with the title
        starts = [
            number
            for number, text in enumerate(pages[1:], start=2)
            if re.search(rf"^\s*{re.escape(title)}", text, re.M)
        ]
        assert starts and page == starts[0], f"{title!r}: contents say page {page}, the heading is on {starts}"


@pytest.mark.requires("pdftotext")
@pytest.mark.django_db
def test_the_eight_column_table_keeps_its_last_column_on_the_page(figures, document):
    # 'Avslut och behandlingsavbrott' ends with 'Aktuella ungdomar': each row's line ends with its count
    text = "".join(pages_text(document))
    table = text[text.index("Ärenden och aktuella ungdomar per insats") :]
    for row in figures["volumes"]:
        shown = row["displays"]
        tail = [shown[key] for key in ("new_service", "closed", "unplanned", "open_at_end", "persons")]
        pattern = r"\s+".join(re.escape(value.replace("\u00a0", " ")) for value in tail) + r"$"
        assert re.search(pattern, table, re.MULTILINE), f"{row['name']}: {tail} not at a line's end in\n{table}"


@pytest.mark.requires("pdftotext")
@pytest.mark.django_db
def test_the_charts_are_drawn_with_their_titles_as_alternative_text(figures, document):
    context = pdf.report_context(figures, commentary={}, meta=META, charts_as_images=True)
    for chart in (context["volume_chart"], context["district_chart"]):
        assert chart.startswith('<img class="chart" src="data:image/svg+xml;base64,')  # nothing to fetch

    text = "".join(pages_text(document))
    assert "Avtalad volym (omräknad till perioden)" in text  # the legends, drawn only in the charts
    assert "Samma period året innan" in text
    district = next(dist for dist in figures["distributions"] if dist["key"] == "district")
    assert figure_alt_texts(document) == ["Volymer mot överenskommelsen", district["title"]]


def figure_alt_texts(document: bytes) -> list[str]:
    """The /Alt strings of the tagged PDF's structure elements, in file order (WeasyPrint compresses them)."""
    chunks = [document]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", document, re.DOTALL):
        with contextlib.suppress(zlib.error):  # not a Flate stream
            chunks.append(zlib.decompress(stream[1]))
    texts = []
    for chunk in chunks:
        for alt in re.finditer(rb"/Alt\s*(?:<([0-9A-Fa-f]+)>|\(((?:\\.|[^\\)])*)\))", chunk):
            if alt[1] is not None:
                texts.append(bytes.fromhex(alt[1].decode()).decode("utf-16"))  # with its byte-order mark
            else:
                texts.append(alt[2].decode("latin-1"))  # an ASCII title is written as a literal string
    return texts
