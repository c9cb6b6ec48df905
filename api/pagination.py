"""Page-number pagination with validated parameters (400 for a bad page or page size, an empty page past
the end) and a described response shape."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 100000


def _positive_int(request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= maximum:
        raise ValidationError({name: [_("Ange ett heltal från 1 till %(max)s.") % {"max": maximum}]})
    return int(raw)


class ApiPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = _positive_int(request, "page", 1, MAX_PAGE)
        self.page_size = _positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        self.count = queryset.count()
        offset = (self.page - 1) * self.page_size
        if offset >= self.count:
            return []
        return list(queryset[offset : offset + self.page_size])

    def _link(self, page: int | None) -> str | None:
        if page is None:
            return None
        url = self.request.build_absolute_uri()
        return remove_query_param(url, "page") if page == 1 else replace_query_param(url, "page", page)

    def get_paginated_response(self, data):
        last_page = max(1, -(-self.count // self.page_size))
        next_page = self.page + 1 if self.page < last_page else None
        previous_page = min(self.page - 1, last_page) if self.page > 1 else None
        return Response(
            {
                "count": self.count,
                "page": self.page,
                "page_size": self.page_size,
                "next": self._link(next_page),
                "previous": self._link(previous_page),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": _("Sidnummer (1 = första sidan)."),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": _("Antal rader per sida (högst %(max)s).") % {"max": MAX_PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
