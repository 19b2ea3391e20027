"""What the test modules share: a receiver that does nothing."""


def ignore(sender, **kwargs):
    """A receiver that does nothing: its being connected is what costs."""
