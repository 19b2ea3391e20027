import threading
from contextlib import contextmanager
from unittest import skipIf

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from .models import Like, Notification, Post
from .services import like_post
from .signals import count_like, post_liked

User = get_user_model()


@contextmanager
def recorded(signal, sender=None):
    """Collect the keyword arguments of every send of `signal` in the block.

    Each item is a dict of everything the receivers got, `signal` and
    `sender` included, so a test can compare it whole.
    """
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    # weak=False: nothing else holds this local function.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield sent
    finally:
        signal.disconnect(record, sender=sender)


class LikePostTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = User.objects.create_user("author")
        cls.reader = User.objects.create_user("reader")
        cls.post = Post.objects.create(author=cls.author, title="Signals")

    def like_count(self):
        return Post.objects.get(pk=self.post.pk).like_count

    def test_the_signal_gets_exactly_the_post_and_the_user(self):
        with recorded(post_liked) as calls:
            like_post(self.reader, self.post)

        self.assertEqual(
            calls,
            [
                {
                    "signal": post_liked,
                    "sender": Post,
                    "post": self.post,
                    "user": self.reader,
                }
            ],
        )

    def test_a_like_is_stored_and_counted(self):
        self.assertIs(like_post(self.reader, self.post), True)

        self.assertTrue(Like.objects.filter(user=self.reader, post=self.post).exists())
        self.assertEqual(self.like_count(), 1)

    def test_liking_twice_stores_one_like_and_sends_once(self):
        like_post(self.reader, self.post)
        with recorded(post_liked) as calls:
            self.assertIs(like_post(self.reader, self.post), False)

        self.assertEqual(calls, [])
        self.assertEqual(Like.objects.count(), 1)
        self.assertEqual(self.like_count(), 1)
        self.assertEqual(Notification.objects.count(), 1)

    def test_the_database_refuses_a_second_like(self):
        Like.objects.create(user=self.reader, post=self.post)

        with self.assertRaises(IntegrityError), transaction.atomic():
            Like.objects.create(user=self.reader, post=self.post)

    def test_likes_from_two_readers_count_two(self):
        like_post(self.reader, self.post)
        like_post(User.objects.create_user("another"), self.post)

        self.assertEqual(self.like_count(), 2)

    def test_the_author_is_notified(self):
        with self.assertLogs("post_likes.signals", "INFO") as logs:
            like_post(self.reader, self.post)

        notification = Notification.objects.get()
        self.assertEqual(
            (notification.recipient, notification.actor, notification.post),
            (self.author, self.reader, self.post),
        )
        self.assertEqual(
            logs.output,
            [
                f"INFO:post_likes.signals:User {self.reader.pk} "
                f"liked post {self.post.pk}"
            ],
        )

    def test_liking_your_own_post_counts_but_notifies_nobody(self):
        like_post(self.author, self.post)

        self.assertEqual(self.like_count(), 1)
        self.assertFalse(Notification.objects.exists())

    def test_a_reader_who_signed_up_before_the_author_notifies_them(self):
        # The check is "same user", not an ordering of ids.
        newer_author = User.objects.create_user("newer author")
        post = Post.objects.create(author=newer_author, title="Receivers")
        self.assertLess(self.author.pk, newer_author.pk)

        like_post(self.author, post)

        self.assertTrue(Notification.objects.filter(recipient=newer_author).exists())

    def test_liking_your_own_post_notifies_nobody_whatever_your_id(self):
        # Ids are compared by value: two equal large ints loaded separately
        # from the database are equal, but not the same object.
        author = User.objects.create_user("long-standing", id=100_000)
        post = Post.objects.create(author=author, title="Receivers")

        like_post(User.objects.get(pk=author.pk), Post.objects.get(pk=post.pk))

        self.assertFalse(Notification.objects.exists())

    def test_a_failing_receiver_rolls_back_the_like_and_the_counter(self):
        def fail(**kwargs):
            raise RuntimeError("notification service down")

        # Connected last, so it runs after both receivers have written.
        post_liked.connect(fail, sender=Post)
        try:
            with self.assertRaises(RuntimeError):
                like_post(self.reader, self.post)
        finally:
            post_liked.disconnect(fail, sender=Post)

        self.assertFalse(Like.objects.exists())
        self.assertEqual(self.like_count(), 0)
        self.assertFalse(Notification.objects.exists())

    def test_a_like_created_elsewhere_is_not_counted(self):
        # Only like_post() sends post_liked; a bare create() sends nothing.
        Like.objects.create(user=self.reader, post=self.post)

        self.assertEqual(self.like_count(), 0)
        self.assertFalse(Notification.objects.exists())

    def test_receivers_ignore_the_signal_sent_for_another_model(self):
        post_liked.send(sender=Like, post=self.post, user=self.reader)

        self.assertEqual(self.like_count(), 0)
        self.assertFalse(Notification.objects.exists())

    def test_the_post_in_memory_keeps_its_old_like_count(self):
        # The counter is updated in the database only. Saving the stale
        # object writes its old like_count back.
        post = Post.objects.get(pk=self.post.pk)
        like_post(self.reader, post)
        self.assertEqual(post.like_count, 0)

        post.title = "Edited"
        post.save()
        self.assertEqual(self.like_count(), 0)

    def test_saving_only_the_edited_field_keeps_the_count(self):
        post = Post.objects.get(pk=self.post.pk)
        like_post(self.reader, post)

        post.title = "Edited"
        post.save(update_fields=["title"])
        self.assertEqual(self.like_count(), 1)


@skipIf(connection.vendor == "sqlite", "SQLite lets one connection write at a time")
class LikesAtTheSameMomentTests(TransactionTestCase):
    """Two readers like the post at once, each on its own connection, as two
    requests would. Both wait inside like_post(), their Like rows written,
    until the other is there too; then both count."""

    def setUp(self):
        author = User.objects.create_user("author")
        self.readers = [User.objects.create_user(name) for name in ("ada", "bob")]
        self.post = Post.objects.create(author=author, title="Signals")

    def like_at_the_same_moment(self):
        both_inside = threading.Barrier(2, timeout=10)
        errors = []

        def wait_for_the_other(sender, created, **kwargs):
            if created:
                both_inside.wait()

        def like(user):
            try:
                like_post(user, Post.objects.get(pk=self.post.pk))
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()  # this thread's own connection

        post_save.connect(wait_for_the_other, sender=Like)
        try:
            requests = [threading.Thread(target=like, args=(r,)) for r in self.readers]
            for request in requests:
                request.start()
            for request in requests:
                request.join()
        finally:
            post_save.disconnect(wait_for_the_other, sender=Like)
        self.assertEqual(errors, [])
        return Post.objects.get(pk=self.post.pk).like_count

    def test_counting_in_the_database_keeps_both_likes(self):
        # The second UPDATE ... SET like_count = like_count + 1 waits for the
        # first transaction's row lock, then adds to what it committed.
        self.assertEqual(self.like_at_the_same_moment(), 2)

    def test_counting_in_python_loses_one(self):
        both_read = threading.Barrier(2, timeout=10)

        def count_in_python(sender, post, **kwargs):
            current = Post.objects.get(pk=post.pk)  # both read 0
            both_read.wait()
            current.like_count += 1
            current.save(update_fields=["like_count"])  # both write 1

        uid = "post_likes.count_like"
        post_liked.disconnect(sender=Post, dispatch_uid=uid)
        post_liked.connect(count_in_python, sender=Post)
        try:
            count = self.like_at_the_same_moment()
        finally:
            post_liked.disconnect(count_in_python, sender=Post)
            post_liked.connect(count_like, sender=Post, dispatch_uid=uid)

        self.assertEqual(count, 1)  # two likes, one counted


class SignalDefinitionTests(SimpleTestCase):
    def test_a_signal_takes_no_list_of_arguments(self):
        # providing_args was removed in Django 4.0: document them instead.
        with self.assertRaises(TypeError):
            Signal(providing_args=["post", "user"])
