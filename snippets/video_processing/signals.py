import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Video
from .tasks import transcode_video

logger = logging.getLogger(__name__)


# --8<-- [start:queue_transcoding]
@receiver(post_save, sender=Video, dispatch_uid="video_processing.queue_transcoding")
def queue_transcoding(sender, instance, created, raw, using, **kwargs):
    """Hand a new video to a Celery worker once its row is committed.

    Sent before the commit, the message could reach a worker that cannot
    see the video yet, or one for a video whose transaction rolled back.
    """
    if not created or raw:
        return
    transaction.on_commit(partial(start_transcoding, instance.pk), using=using)
    logger.info("Video %s will be transcoded after commit", instance.pk)


def start_transcoding(video_id):
    """Send the task to the broker."""
    transcode_video.delay(video_id)


# --8<-- [end:queue_transcoding]
