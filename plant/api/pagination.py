from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """Stable cursor pages: an ERP paging through thousands of rows never sees one twice."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"


def ordered_pagination(*ordering: str) -> type[Pagination]:
    """Cursor pages in this order (a cursor pages by its first field, ties by offset)."""
    return type("OrderedPagination", (Pagination,), {"ordering": ordering})
