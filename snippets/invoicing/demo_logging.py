import logging

logger = logging.getLogger("invoicing.signals")
formatted = []


class Total:
    """Records each time logging (or anything) turns it into text."""

    def __str__(self):
        formatted.append("Total")
        return "120.00"


print(logger.isEnabledFor(logging.DEBUG))  # the project logs WARNING and up
#> False

logger.debug("Invoice total %s", Total())  # lazy: never formatted
print(formatted)
#> []

message = f"Invoice total {Total()}"  # an f-string is built before any call
print(formatted)
#> ['Total']
