"""The spreadsheet import page (enhetschef): upload, check every row, import all or nothing."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases.importer import (
    COLUMNS,
    LABELS,
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    ImportResult,
    cases_import,
    import_template_xlsx,
)
from core import formats
from core.http import AuthenticatedRequest
from core.models import Role, User
from core.policy import access_policy


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel .xlsx)"),
        help_text=_("Första raden är kolumnrubriker. Högst %(max)s rader och 10 MB.")
        % {"max": formats.number(MAX_ROWS)},
    )
    dry_run = forms.BooleanField(label=_("Kontrollera bara (spara ingenting)"), required=False, initial=True)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("Filen är för stor (högst 10 MB)."))
        return upload


def _may_import(user: User) -> bool:
    return (
        user.unit_id is not None
        and user.has_role(Role.MANAGER)
        and user.has_perms(["cases.add_person", "cases.add_case"])
    )


def _column_labels() -> list[str]:
    """The column headings the page lists, each once and in alphabetical order."""
    columns = sorted({(field, str(LABELS[field])) for field in COLUMNS.values()}, key=lambda item: item[1])
    return [label for _field, label in columns]


def _import(request: AuthenticatedRequest, form: ImportForm) -> ImportResult | None:
    """Check (dry run) or import the uploaded file; a file that cannot be read is an error on the form (None)."""
    upload = form.cleaned_data["file"]
    try:
        return cases_import(
            actor=request.user, content=upload.read(), filename=upload.name, dry_run=form.cleaned_data["dry_run"]
        )
    except ImportFileError as error:
        form.add_error("file", error.messages)
        return None


@access_policy("manager")
@login_required
def cases_import_page(request: AuthenticatedRequest) -> HttpResponse:
    """Enhetschef only (others get 404); imports into the manager's own unit."""
    if not _may_import(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    result = _import(request, form) if request.method == "POST" and form.is_valid() else None
    failed = bool(form.errors) or (result is not None and bool(result.errors))
    return render(
        request,
        "cases/import.html",
        {"form": form, "result": result, "columns": _column_labels()},
        status=400 if failed else 200,
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@access_policy("manager")
@login_required
@require_GET
def cases_import_template(request: AuthenticatedRequest) -> HttpResponse:
    """The template file: the columns the import reads and the values it accepts (no personal data beyond
    the names of the unit's staff). Enhetschef only, as the import."""
    if not _may_import(request.user):
        raise Http404
    response = HttpResponse(import_template_xlsx(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="importmall-arenden.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
