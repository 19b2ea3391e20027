"""The tests of concurrency: what receivers see when requests overlap."""
