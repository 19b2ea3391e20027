import logging

from celery import shared_task

from .models import Video

logger = logging.getLogger(__name__)


# --8<-- [start:transcode_video]
@shared_task
def transcode_video(video_id):
    """Make the streaming versions of an uploaded video, on a Celery worker.

    Gets the primary key, not the Video: the message must be JSON, and the
    worker should read the row as it is when the task runs.
    """
    video = Video.objects.filter(pk=video_id, status=Video.Status.UPLOADED).first()
    if video is None:
        return False  # Deleted meanwhile, or already done by an earlier run.
    # The slow part (calling ffmpeg, uploading the files) would go here.
    Video.objects.filter(pk=video_id).update(status=Video.Status.READY)
    logger.info("Transcoded video %s", video_id)
    return True


# --8<-- [end:transcode_video]
