from django.db import IntegrityError

from alternatives.models import (
    Article,
    ArticleWithSave,
    DirtyArticle,
    LifecycleArticle,
    TrackedArticle,
)

# A draft of each save()-based version, then the same UPDATE for each.
for model in (ArticleWithSave, LifecycleArticle, TrackedArticle, DirtyArticle):
    model.objects.create(title="Draft")
    model.objects.update(status="published")
    print(model.__name__, model.objects.values_list("status", "published_at").get())
    #> ArticleWithSave ('published', None)
    #> LifecycleArticle ('published', None)
    #> TrackedArticle ('published', None)
    #> DirtyArticle ('published', None)

# The version guarded by the database refuses it.
Article.objects.create(title="Draft")
try:
    Article.objects.update(status="published")
except IntegrityError as error:
    print(error)
    #> CHECK constraint failed: alternatives_published_article_has_a_date
print(Article.objects.values_list("status", "published_at", "is_published").get())
#> ('draft', None, False)
