"""An item's bill of materials and its routing editor (both live on the item's page)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plant import forms, selectors
from plant.access import access_record
from plant.errors import NotFound, RuleViolation
from plant.models import BOMLine, Item
from plant.services.boms import set_bom_line
from plant.services.records import delete_record
from plant.services.routings import save_routing
from plant.views_masterdata import ITEMS


def _item_page(request: HttpRequest, item: Item, bom_form: forms.BOMLineForm) -> HttpResponse:
    context = {"pages": ITEMS, "record": item, **selectors.item_structure(item)}
    context["bom_form"] = bom_form
    status = 422 if bom_form.errors else 200
    return render(request, "plant/item_detail.html", context, status=status)


def _bom_line(request: HttpRequest, pk: int, line_pk: int) -> BOMLine:
    qs = BOMLine.objects.select_related("parent", "component")
    line = access_record(request.user, qs, line_pk, edit=True)
    if line.parent_id != pk:
        raise NotFound("No such BOM line.")
    return line


@login_required
@require_POST
def bom_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a component line, or change the quantity of one already there."""
    item = access_record(request.user, Item.objects.select_related("family"), pk, edit=True)
    form = forms.BOMLineForm(request.POST, candidates=selectors.bom_candidates(item))
    if form.is_valid():
        try:
            set_bom_line(parent=item, **form.cleaned_data)
        except RuleViolation as error:
            forms.show_rule_violation(form, error)
        else:
            messages.success(request, f"BOM of {item.code} updated.")
            return redirect("plant:item-detail", pk=item.pk)
    return _item_page(request, item, form)


@login_required
@require_POST
def bom_change(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = _bom_line(request, pk, line_pk)
    form = forms.BOMQuantityForm(request.POST)
    try:
        if not form.is_valid():
            raise RuleViolation("Enter the quantity per unit as a number.")
        set_bom_line(
            parent=line.parent, component=line.component, quantity=form.cleaned_data["quantity"]
        )
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{line.component.code}: quantity changed.")
    return redirect("plant:item-detail", pk=pk)


@login_required
@require_POST
def bom_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = _bom_line(request, pk, line_pk)
    delete_record(record=line)
    messages.success(request, f"{line.component.code} removed from the BOM.")
    return redirect("plant:item-detail", pk=pk)


def _editor_for(item: Item, request: HttpRequest) -> forms.RoutingEditor:
    if request.method == "POST":
        return forms.RoutingEditor(item, request.POST)
    editor = forms.RoutingEditor(item)
    structure = selectors.item_structure(item)
    routing = structure["routing"]
    editor.load(structure["operations"], routing.notes if routing else "")
    return editor


@login_required
def routing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit every operation and its eligible machines in one form; saved whole or not at all."""
    item = access_record(request.user, Item.objects.all(), pk, edit=True)
    editor = _editor_for(item, request)
    if request.method == "POST" and editor.is_valid():
        try:
            save_routing(item=item, operations=editor.specs(), notes=editor.notes)
        except RuleViolation as error:
            editor.show(error)
        else:
            messages.success(request, f"Routing of {item.code} saved.")
            return redirect("plant:item-detail", pk=item.pk)
    status = 422 if request.method == "POST" else 200
    context = {"record": item, "editor": editor}
    return render(request, "plant/routing_form.html", context, status=status)


@login_required
def routing_operation_row(request: HttpRequest, pk: int) -> HttpResponse:
    """A blank operation (with one blank machine line) for the editor to append."""
    item = access_record(request.user, Item.objects.all(), pk, edit=True)
    editor = forms.RoutingEditor(item)
    index = secrets.randbelow(10**9)
    row = forms.OperationRow(
        index=index,
        form=editor.operation_form(index, {}),
        machines=[editor.machine_form(index, 0, {})],
    )
    context = {"record": item, "editor": editor, "row": row}
    return render(request, "plant/_routing_operation_fragment.html", context)


@login_required
def routing_machine_row(request: HttpRequest, pk: int, op_index: int) -> HttpResponse:
    """A blank eligible-machine line for operation `op_index` of the editor."""
    item = access_record(request.user, Item.objects.all(), pk, edit=True)
    editor = forms.RoutingEditor(item)
    form = editor.machine_form(op_index, secrets.randbelow(10**9), {})
    context = {"record": item, "machine_form": form}
    return render(request, "plant/_routing_machine_fragment.html", context)
