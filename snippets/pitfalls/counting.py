def start_counting(signal):
    """Count the sends of `signal` until you call the stop() it returns."""
    sends = []

    def count(sender, **kwargs):
        sends.append(sender)

    # weak=False: the signal itself keeps `count` alive, until stop().
    signal.connect(count, weak=False)

    def stop():
        signal.disconnect(count)

    return sends, stop
