"""Pagination: the API's (API.md's paginated object) and the pages' (`?page=`, 50 rows a page)."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from rest_framework import pagination

PAGE_ROWS = 50


class PageNumberPagination(pagination.PageNumberPagination):
    """API.md: `page` and `page_size` (at most 1000)."""

    page_size_query_param = "page_size"
    max_page_size = 1000


def page_of(request: HttpRequest, rows: Any, *, per_page: int = PAGE_ROWS) -> Page:
    """The page of `rows` that `?page=` asks for: the first for no number, the last past the end.

    `rows` is an ordered queryset or a list; templates/_pagination.html shows the way between pages.
    """
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
