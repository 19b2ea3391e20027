from django.core.management.base import BaseCommand

from ...models import OutboxMessage
from ...relay import relay_outbox


class Command(BaseCommand):
    help = "Deliver pending outbox messages, oldest first. Run it from cron or a loop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=100, help="Send at most this many messages."
        )

    def handle(self, *args, limit, **options):
        sent = relay_outbox(limit=limit)
        pending = OutboxMessage.objects.filter(sent_at=None).count()
        self.stdout.write(f"Sent {sent} message(s); {pending} pending.")
