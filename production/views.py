"""The planner's pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import is_operator, is_staff, page_requires
from config.pagination import page_of
from production import selectors


def _shop_floor(user: object) -> bool:
    return is_operator(user) or is_staff(user)


@login_required
@page_requires(_shop_floor, "Only operators, planners and staff may see the queue.")
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    """Operators, planners and staff: the open production orders in planned sequence (a page at a
    time), and the load."""
    tz = selectors.factory_tz()
    page = page_of(request, selectors.queue_list())
    queue = [
        {
            "po": po,
            "next": selectors.next_operation(po),
            "late": bool(po.planned_finish and po.promised_date
                         and selectors.ship_date_after(po.planned_finish) > po.promised_date),
            "finish": po.planned_finish.astimezone(tz) if po.planned_finish else None,
        }
        for po in page.object_list
    ]  # fmt: skip
    return render(
        request,
        "planner/queue.html",
        {
            "queue": queue,
            "page_obj": page,
            "work_centers": selectors.work_center_list(),
        },
    )
