from article_titles.models import Article

article = Article.objects.create(title="my first post")
print(article.title)
#> My First Post

article.title = "a second look"
article.save()  # pre_save runs on every save, not just the first
print(Article.objects.get(pk=article.pk).title)
#> A Second Look

print(Article.objects.create(title="don't learn HTML from str.title()").title)
#> Don'T Learn Html From Str.Title()
