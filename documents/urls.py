from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("arenden/<uuid:case_id>/handlingar/ny/", views.case_document_add, name="case_document_add"),
    path("personer/<uuid:person_id>/handlingar/ny/", views.person_document_add, name="person_document_add"),
    path("handlingar/<uuid:document_id>/", views.document_download, name="document_download"),
    path("aktbilagor/<uuid:aktbilaga_id>/", views.aktbilaga_download, name="aktbilaga_download"),
]
