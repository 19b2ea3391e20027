"""The tests of inherited_senders: the senders of proxies, children, abstract models."""
