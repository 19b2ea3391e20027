"""The tests of price_history: the model signals, and the price history they keep."""
