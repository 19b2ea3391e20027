from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Order
from .services import complete_order


@require_POST
@login_required
def complete(request, pk):
    """Complete one of the signed-in customer's own orders."""
    order = get_object_or_404(Order, pk=pk, customer=request.user)
    complete_order(order, completed_by=request.user)
    return JsonResponse({"order": order.pk, "status": order.status})
