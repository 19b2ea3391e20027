"""class_prepared is sent once Django has built a model class."""

from django.apps import apps
from django.db import models
from django.db.models.signals import class_prepared
from django.test import SimpleTestCase
from django.test.utils import isolate_apps

from .helpers import recorded


# --8<-- [start:class_prepared]
class ClassPreparedTests(SimpleTestCase):
    @isolate_apps("price_history")
    def test_class_prepared_is_sent_once_a_model_class_is_built(self):
        with recorded(class_prepared) as calls:

            class Coupon(models.Model):
                code = models.CharField(max_length=20)

                class Meta:
                    app_label = "price_history"

                def __str__(self):
                    return self.code

        self.assertEqual(calls, [{"signal": class_prepared, "sender": Coupon}])
        with self.assertRaises(LookupError):  # not in the project's registry
            apps.get_model("price_history", "Coupon")


# --8<-- [end:class_prepared]
