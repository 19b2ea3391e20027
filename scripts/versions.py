"""Say which Python and which Django this environment runs."""

import platform
import sys

import django

python = f"Python {platform.python_version()} ({sys.executable})"
print(f"{python}, Django {django.get_version()}")
