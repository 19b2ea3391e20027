from decimal import Decimal

from django.contrib.auth import get_user_model

from orders.models import Order
from orders.services import complete_order

User = get_user_model()

ada = User.objects.create_user("ada")
order = Order.objects.create(customer=ada, total=Decimal("42.50"))

complete_order(order, completed_by=ada)
print(order.status, order.points_award.points)  # points_award: made by loyalty
#> completed 42

complete_order(order, completed_by=ada)  # already completed: nothing is sent
print(ada.points_awards.count())
#> 1
