from django.contrib.auth import get_user_model

User = get_user_model()

ada = User.objects.create_user("ada")
print(ada.profile)
#> Profile of ada

ada.first_name = "Ada"
ada.save()  # an update: no second profile
print(ada.profile.bio == "", User.objects.count())
#> True 1
