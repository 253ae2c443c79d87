from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class Pagination(CursorPagination):
    """Stable cursor pages: an ERP paging through thousands of rows never sees one twice."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        """A cursor that decodes but whose position is not a value of the ordering field (a
        forged `?cursor=`) is a bad request too: the filter refuses it before any query."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError):
            raise ValidationError({"cursor": ["Invalid cursor; use a `next` link."]}) from None

    def decode_cursor(self, request: Request) -> Any:
        """A cursor the client garbled is a bad request (400), not a missing page (404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["Invalid cursor; use a `next` link."]}) from None


def ordered_pagination(*ordering: str) -> type[Pagination]:
    """Cursor pages in this order (a cursor pages by its first field, ties by offset)."""
    return type("OrderedPagination", (Pagination,), {"ordering": ordering})
