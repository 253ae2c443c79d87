from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class Pagination(CursorPagination):
    """Stable cursor pages: an ERP paging through thousands of rows never sees one twice."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"

    def decode_cursor(self, request: Request) -> Any:
        """A cursor the client garbled is a bad request (400), not a missing page (404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["Invalid cursor; use a `next` link."]}) from None


def ordered_pagination(*ordering: str) -> type[Pagination]:
    """Cursor pages in this order (a cursor pages by its first field, ties by offset)."""
    return type("OrderedPagination", (Pagination,), {"ordering": ordering})
