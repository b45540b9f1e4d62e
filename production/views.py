"""The planner's pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_operator, is_planner, is_staff, page_requires
from config.errors import DomainError, NotFound
from config.pagination import page_of
from production import selectors, services


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


def _plans(user: object) -> bool:
    return is_planner(user) or is_staff(user)


@login_required
@page_requires(_plans, "Only planners and staff may change priorities.")
@require_POST
def priority_action(request: HttpRequest, number: str) -> HttpResponse:
    """Planners and staff give a production order a new priority; the queue is re-planned."""
    raw = request.POST.get("priority", "").strip()
    try:
        priority = int(raw)
    except ValueError:
        messages.error(request, f"Priority must be a whole number, not '{raw[:20]}'.")
    else:
        try:
            services.production_order_set_priority(number=number, priority=priority, user=request.user)
            messages.success(request, f"{number} now has priority {priority}; the queue is being re-planned.")
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
    page = request.POST.get("page", "")
    return redirect(reverse("planner:queue") + (f"?page={page}" if page.isdigit() else ""))
