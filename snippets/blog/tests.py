from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from .models import Post
from .titles import title_case

CASES = [
    # (what the writer typed, what is stored)
    ("my first post", "My First Post"),
    ("don't panic", "Don't Panic"),
    ("the hitchhiker's guide to the galaxy", "The Hitchhiker's Guide to the Galaxy"),
    # Small words stay lowercase, except first, last and after a colon.
    ("a tale of two cities", "A Tale of Two Cities"),
    ("what are you looking at", "What Are You Looking At"),
    ("django signals: a field guide", "Django Signals: A Field Guide"),
    ("signals worth waiting for", "Signals Worth Waiting For"),
    ("signals in django: a field guide", "Signals in Django: A Field Guide"),
    # A word that holds a capital is kept exactly as typed.
    ("what the iPhone means for NASA", "What the iPhone Means for NASA"),
    ("API design in practice", "API Design in Practice"),
    ("The Lord Of The Rings", "The Lord Of The Rings"),
    ("BREAKING NEWS", "BREAKING NEWS"),
    # Hyphenated words: each part follows the same rule.
    ("state-of-the-art caching", "State-of-the-Art Caching"),
    ("a well-known bug", "A Well-Known Bug"),
    ("pre-iPhone phones", "Pre-iPhone Phones"),
    # Only a leading letter is raised; punctuation in front is skipped.
    ("the 2nd edition", "The 2nd Edition"),
    ("songs of the '90s", "Songs of the '90s"),
    ('"quoted" words', '"Quoted" Words'),
    ("(draft) notes", "(Draft) Notes"),
    ("élan vital", "Élan Vital"),
    # Spacing is kept as typed.
    ("  spaced   out  ", "  Spaced   Out  "),
    ("", ""),
    # What no rule can guess: type the capitals yourself.
    ("api design", "Api Design"),
    ("o'neil's pub", "O'neil's Pub"),
    ("O'Neil's pub", "O'Neil's Pub"),
]


class TitleCaseTests(SimpleTestCase):
    def test_cases(self):
        for typed, stored in CASES:
            with self.subTest(typed=typed):
                self.assertEqual(title_case(typed), stored)

    def test_applying_the_rule_twice_changes_nothing(self):
        # The receiver runs on every save, so a stored title must survive it.
        for _, stored in CASES:
            with self.subTest(stored=stored):
                self.assertEqual(title_case(stored), stored)

    def test_str_title_mangles_what_title_case_keeps(self):
        typed = "don't panic: the iPhone API"

        self.assertEqual(typed.title(), "Don'T Panic: The Iphone Api")
        self.assertEqual(title_case(typed), "Don't Panic: The iPhone API")


class TitleCaseReceiverTests(TestCase):
    def stored_title(self, post):
        return Post.objects.values_list("title", flat=True).get(pk=post.pk)

    def test_a_new_post_is_saved_in_title_case(self):
        post = Post.objects.create(title="don't panic")

        self.assertEqual(post.title, "Don't Panic")
        self.assertEqual(self.stored_title(post), "Don't Panic")

    def test_an_edited_title_is_title_cased_again(self):
        post = Post.objects.create(title="first draft")
        post.title = "a better title"
        post.save()

        self.assertEqual(self.stored_title(post), "A Better Title")

    def test_a_save_that_writes_the_title_applies_the_rule(self):
        post = Post.objects.create(title="first draft")
        post.title = "a better title"
        post.save(update_fields=["title"])

        self.assertEqual(self.stored_title(post), "A Better Title")

    def test_a_save_that_does_not_write_the_title_leaves_it_alone(self):
        post = Post.objects.create(title="first draft")
        post.title = "not saved"
        post.body = "New body."
        post.save(update_fields=["body"])

        self.assertEqual(post.title, "not saved")
        self.assertEqual(self.stored_title(post), "First Draft")

    def test_saving_a_deferred_title_costs_no_extra_query(self):
        # Django fills update_fields with the loaded fields for an only()
        # instance, so the receiver never touches the deferred title.
        Post.objects.create(title="first draft")
        post = Post.objects.only("body").get()
        post.body = "New body."

        with self.assertNumQueries(1):
            post.save()

    def test_loaddata_restores_titles_unchanged(self):
        call_command("loaddata", "blog_posts.json", verbosity=0)

        self.assertEqual(Post.objects.get(pk=1).title, "restored exactly as dumped")

    def test_queryset_update_and_bulk_create_skip_the_receiver(self):
        post = Post.objects.create(title="first draft")
        Post.objects.filter(pk=post.pk).update(title="set by update")
        Post.objects.bulk_create([Post(title="set by bulk_create")])

        self.assertEqual(
            sorted(Post.objects.values_list("title", flat=True)),
            ["set by bulk_create", "set by update"],
        )
