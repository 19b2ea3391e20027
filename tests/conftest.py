def pytest_collection_modifyitems(items):
    """Run the receiver-mutation tests last.

    They run each app's tests with a receiver switched off, which can leave an
    app's module-level caches in a state its own tests do not expect.
    """
    items.sort(key=lambda item: item.path.name == "test_receivers_matter.py")
