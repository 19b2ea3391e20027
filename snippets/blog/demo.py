from blog.models import Post

typed = "don't panic: a field guide to the iPhone API"
print(typed.title())
#> Don'T Panic: A Field Guide To The Iphone Api

post = Post.objects.create(title=typed)
print(post.title)
#> Don't Panic: A Field Guide to the iPhone API
