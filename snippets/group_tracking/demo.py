from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from group_tracking.models import MembershipEvent

User = get_user_model()
ada = User.objects.create_user("ada")
bob = User.objects.create_user("bob")
editors = Group.objects.create(name="editors")

ada.groups.add(editors)  # from the user's side
editors.user_set.add(bob)  # from the group's side
editors.user_set.add(ada)  # ada is already a member: no event
editors.user_set.clear()  # pk_set is None; the receiver read who was there

for event in MembershipEvent.objects.all():
    print(event)
    #> ada joined editors
    #> bob joined editors
    #> ada left editors
    #> bob left editors
