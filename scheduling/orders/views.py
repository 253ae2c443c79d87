"""Order pages: the list with filters, create and edit, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plant.access import check_role
from plant.errors import DomainError
from plant.selectors import require_plant
from scheduling.access import PLAN, access_order
from scheduling.models import ProductionOrder
from scheduling.orders.forms import OrderForm
from scheduling.orders.services import cancel_order, save_order


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    orders = ProductionOrder.objects.for_plant(plant).select_related("item")
    status = request.GET.get("status", "open")
    if status == "open":
        orders = orders.open()
    elif status in ProductionOrder.Status.values:
        orders = orders.filter(status=status)
    if request.GET.get("late") == "1":
        orders = orders.open().filter(due_at__lt=timezone.now())
    if query := request.GET.get("q", "").strip():
        orders = orders.filter(Q(external_ref__icontains=query) | Q(item__code__icontains=query))
    context = {
        "orders": orders[:500],
        "status": status,
        "statuses": ProductionOrder.Status.choices,
        "now": timezone.now(),
    }
    template = "scheduling/_order_rows.html" if request.htmx else "scheduling/order_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def order_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plant = require_plant(request)
    order = access_order(request.user, pk, edit=True) if pk else None
    if order is None:
        check_role(request.user, PLAN, "create production orders")
    form = OrderForm(request.POST or None, instance=order, plant=plant)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_order(order=form.instance)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Order {saved.external_ref} saved.")
            return redirect("scheduling:order-list")
    return render(request, "scheduling/order_form.html", {"form": form, "order": order})


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = cancel_order(order=access_order(request.user, pk, edit=True))
    messages.success(request, f"Order {order.external_ref} cancelled.")
    return redirect("scheduling:order-list")
