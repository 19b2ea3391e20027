from django.template.loader import render_to_string


def greeting_html(name):
    """The HTML part of a welcome email: a template rendered outside any request."""
    return render_to_string("greetings/greeting.html", {"name": name})
