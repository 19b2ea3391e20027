"""The tests of signal_scenarios: what each diagram shows, and how it is drawn."""
