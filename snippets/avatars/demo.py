import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings

from avatars.models import Avatar

User = get_user_model()

with (
    tempfile.TemporaryDirectory() as media_root,
    override_settings(MEDIA_ROOT=media_root),
):
    ada = User.objects.create_user("ada")
    avatar = Avatar.objects.create(user=ada, image=ContentFile(b"png", name="ada.png"))
    path = Path(avatar.image.path)

    with transaction.atomic():
        ada.delete()  # cascades to the avatar: pre_delete runs here
        print(path.exists(), Avatar.objects.count())
        #> True 0

    print(path.exists(), Avatar.objects.count())  # committed: the file is gone
    #> False 0
