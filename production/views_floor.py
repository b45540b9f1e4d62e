"""The shop floor's pages: a station's queue, and the operation a scanned traveler opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_operator, is_staff, page_requires
from bom import selectors as catalog
from config.errors import DomainError, NotFound
from config.pagination import page_of
from production import selectors, services
from production.forms import OperationFinishForm
from production.models import Operation, WorkCenter


def _shop_floor(user: object) -> bool:
    return is_operator(user) or is_staff(user)


floor_only = page_requires(_shop_floor, gettext_lazy("Only operators, planners and staff may use the shop floor."))
operators_only = page_requires(is_operator, gettext_lazy("Only operators and planners start and finish operations."))


@login_required
@floor_only
@require_GET
def floor_home(request: HttpRequest) -> HttpResponse:
    """Operators, planners, staff: pick a station."""
    return render(request, "floor/home.html", {"work_centers": selectors.work_center_list()})


@login_required
@floor_only
@require_GET
def station_page(request: HttpRequest, code: str) -> HttpResponse:
    """Operators, planners, staff: a station's open operations in planned order, a page at a time."""
    work_center = WorkCenter.objects.filter(code=code).first()
    if work_center is None:
        raise Http404(_("There is no such work center."))
    page = page_of(request, selectors.work_center_operations(work_center))
    names = selectors.operation_names(
        production_order_ids={op.production_order_id for op in page.object_list}, language=catalog.catalog_language()
    )
    return render(request, "floor/station.html", {"work_center": work_center, "page_obj": page, "op_names": names})


@login_required
@floor_only
@require_GET
def production_order_page(request: HttpRequest, number: str) -> HttpResponse:
    """Operators, planners, staff: a production order's operations (the traveler's header code)."""
    try:
        po = selectors.production_order_for_traveler(number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    language = catalog.catalog_language()
    context = {
        "po": po,
        "product_name": catalog.product_text(po.order_line.product_version.product, "name", language),
        "op_names": selectors.operation_names(production_order_ids=[po.pk], language=language),
    }
    return render(request, "floor/production_order.html", context)


@login_required
@floor_only
@require_GET
def operation_page(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Operators, planners, staff: the operation a traveler's code names, with its actions."""
    operation = (
        Operation.objects.select_related(
            "production_order__order_line__order",
            "production_order__order_line__product_version__product",
            "work_center",
        )
        .prefetch_related("predecessors")
        .filter(pk=operation_id)
        .first()
    )
    if operation is None:
        raise Http404(_("There is no such operation."))
    po = operation.production_order
    line = po.order_line
    language = catalog.catalog_language()
    materials = po.materials.filter(operation_key=operation.key).select_related("item")
    names = selectors.operation_names(production_order_ids=[po.pk], language=language)
    context = {
        "op_names": names,
        "op": operation,
        "materials": materials,
        "product_name": catalog.product_text(line.product_version.product, "name", language),
        # what to make, from the order's frozen snapshot: measurements, fabric, monogram...
        "spec_rows": catalog.spec_display(line.product_version, line.spec, language),
        "start_refusal": selectors.operation_start_refusal(operation, po, names)
        if operation.status == "pending"
        else None,
    }
    return render(request, "floor/operation.html", context)


@login_required
@operators_only
@require_POST
def operation_start_action(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Operators and planners start the operation."""
    try:
        services.operation_start(operation_id=operation_id, user=request.user)
        messages.success(request, _("Started."))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("floor:operation", operation_id=operation_id)


@login_required
@operators_only
@require_POST
def operation_finish_action(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Operators and planners finish the operation, reporting any scrap."""
    form = OperationFinishForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("scrap_quantity", []):
            messages.error(request, str(error))
        return redirect("floor:operation", operation_id=operation_id)
    scrap = form.cleaned_data["scrap_quantity"]
    try:
        operation = services.operation_finish(operation_id=operation_id, user=request.user, scrap_quantity=scrap)
        if operation.status == Operation.Status.DONE:
            messages.success(request, _("Finished."))
        else:
            messages.error(request, _("There is no material to replace the scrap: the order waits for it."))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("floor:operation", operation_id=operation_id)
