from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...models import Note
from ...services import publish_notes


class Command(BaseCommand):
    help = "Publish notes by id, on behalf of the user named with --by."

    def add_arguments(self, parser):
        parser.add_argument("note_ids", nargs="+", type=int)
        parser.add_argument("--by", required=True, help="the username to record")

    def handle(self, *args, note_ids, by, **options):
        # No request here, so no request.user: the operator says who it is.
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(by)
        except User.DoesNotExist:
            raise CommandError(f"There is no user {by!r}.") from None
        count = publish_notes(Note.objects.filter(pk__in=note_ids), by=user)
        self.stdout.write(f"Published {count} of {len(set(note_ids))} notes.")
