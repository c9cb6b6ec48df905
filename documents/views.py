"""The akt's pages: adding a received document, and opening a document or an aktbilaga.

A file is never served by the web server: only here, after the selector has checked permission and written the
access-log row, always as an attachment with nosniff (a browser never renders an uploaded file in our origin).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.selectors import case_get_for_user, person_get_for_user
from core.forms import apply_service_errors
from core.policy import access_policy
from documents import selectors, services
from documents.forms import DocumentAddForm


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise Http404


def _add_page(request, *, case, person, back):
    form = DocumentAddForm(request.POST or None, request.FILES or None, kinds=selectors.document_kinds())
    if form.is_valid():
        try:
            services.document_add(actor=request.user, person=person, case=case, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Handlingen är registrerad i akten."))
            return back
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "case": case, "person": person}
    return render(request, "documents/document_add.html", context, status=status)


@access_policy("case")
@login_required
def case_document_add(request, case_id):
    """Attach a received document (dom, polisanmälan, samtycke …) to a case."""
    _require(request.user, "documents.add_document")
    case = case_get_for_user(user=request.user, case_id=case_id, request=request, what="document_add")
    return _add_page(request, case=case, person=case.person, back=redirect("case_detail", case_id=case.pk))


@access_policy("person")
@login_required
def person_document_add(request, person_id):
    """Attach a received document that concerns the person rather than one case."""
    _require(request.user, "documents.add_document")
    person = person_get_for_user(user=request.user, person_id=person_id, request=request, what="document_add")
    return _add_page(request, case=None, person=person, back=redirect("person_detail", person_id=person.pk))


def _attachment(file_field, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(file_field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@access_policy("case")
@login_required
@require_GET
def document_download(request, document_id):
    """A received document's file, as an attachment; permission-checked and access-logged."""
    _require(request.user, "documents.view_document")
    document = selectors.document_open_for_user(user=request.user, document_id=document_id, request=request)
    return _attachment(
        document.file, filename=selectors.document_download_name(document), content_type=document.content_type
    )


@access_policy("case")
@login_required
@require_GET
def aktbilaga_download(request, aktbilaga_id):
    """An aktbilaga: the exact file that was given out, as an attachment; permission-checked and access-logged."""
    _require(request.user, "documents.view_aktbilaga")
    aktbilaga = selectors.aktbilaga_open_for_user(user=request.user, aktbilaga_id=aktbilaga_id, request=request)
    return _attachment(aktbilaga.file, filename=aktbilaga.filename, content_type=aktbilaga.content_type)
