"""Give a profile to every user who existed before the profiles app.

The post_save receiver only sees users created after it was installed.
This runs once per database, as part of `migrate`, and is safe to run again:
it creates profiles only for users who have none.
"""

from django.conf import settings
from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    # Historical models: the code as it was at this migration, not today's.
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Profile = apps.get_model("profiles", "Profile")
    db = schema_editor.connection.alias

    without_profile = User._default_manager.using(db).filter(profile__isnull=True)
    Profile.objects.using(db).bulk_create(
        (Profile(user_id=pk) for pk in without_profile.values_list("pk", flat=True)),
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the profiles: they may hold bios written since.
        migrations.RunPython(create_missing_profiles, migrations.RunPython.noop),
    ]
