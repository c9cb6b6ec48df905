"""The spreadsheet import page (enhetschef): upload, check every row, import all or nothing."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.importer import COLUMNS, LABELS, MAX_ROWS, ImportFileError, cases_import
from core.models import Role
from core.policy import access_policy


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel .xlsx)"),
        help_text=_("Första raden är kolumnrubriker. Högst %(max)s rader och 10 MB.") % {"max": MAX_ROWS},
    )
    dry_run = forms.BooleanField(label=_("Kontrollera bara (spara ingenting)"), required=False, initial=True)


def _may_import(user) -> bool:
    return (
        user.unit_id is not None
        and user.has_role(Role.MANAGER)
        and user.has_perms(["cases.add_person", "cases.add_case"])
    )


@access_policy("manager")
@login_required
def cases_import_page(request):
    """Enhetschef only (others get 404); imports into the manager's own unit."""
    if not _may_import(request.user):
        raise Http404
    result = None
    status = 200
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = cases_import(
                actor=request.user,
                content=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportFileError as error:
            form.add_error("file", error.messages)
        if result is not None and result.errors:
            status = 400
    if form.errors:
        status = 400
    columns = sorted({(field, str(LABELS[field])) for field in COLUMNS.values()}, key=lambda item: item[1])
    return render(
        request,
        "cases/import.html",
        {"form": form, "result": result, "columns": [label for _field, label in columns]},
        status=status,
    )
