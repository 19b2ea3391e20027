from django.shortcuts import render


def greeting(request, name):
    return render(request, "greetings/page.html", {"name": name})
