"""The tests of async_receivers, one module per topic of the page.

pytest and `manage.py test` both find the test_*.py modules here. Any other
unittest loader that is handed this package finds them through load_tests().
"""

from importlib import import_module
from pathlib import Path


def load_tests(loader, tests, pattern):
    for module in sorted(Path(__file__).parent.glob("test_*.py")):
        tests.addTests(
            loader.loadTestsFromModule(import_module(f"{__name__}.{module.stem}"))
        )
    return tests
