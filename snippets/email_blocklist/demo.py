from django.test import override_settings

from email_blocklist.services import is_blocked

print(is_blocked("ada@spam.example"))
#> False

with override_settings(BLOCKED_EMAIL_DOMAINS=["Spam.example"]):
    print(is_blocked("ada@spam.example"))
    #> True

print(is_blocked("ada@spam.example"))
#> False
