from django.contrib.auth import get_user_model

from signal_tracer.tracer import trace_signals

User = get_user_model()

with trace_signals() as trace:
    user = User.objects.create_user("ada")
    user.delete()

# Other installed apps react to new users too: keep the user's own sends.
user_sends = trace.sent_by("auth.User")
for send in user_sends:
    print(send.signal, "from", send.sender, "with", ", ".join(send.kwargs))
    #> pre_init from auth.User with args, kwargs
    #> post_init from auth.User with instance
    #> pre_save from auth.User with instance, raw, using, update_fields
    #> post_save from auth.User with instance, created, update_fields, raw, using
    #> pre_delete from auth.User with instance, using, origin
    #> post_delete from auth.User with instance, using, origin

# Each value is described in a few stable words: no pk, no memory address.
print(user_sends[1])
#> post_init(sender=auth.User, instance=<auth.User>)
