import asyncio

from django.core.signals import request_finished, request_started
from django.test import AsyncClient, Client

heard = []


def note(sender, signal, **kwargs):
    name = "request_started" if signal is request_started else "request_finished"
    sender_name = getattr(sender, "__name__", sender)
    heard.append(f"{name} from {sender_name} with {sorted(kwargs)}")


request_started.connect(note)
request_finished.connect(note)
try:
    Client().get("/request_log/hello/ada/")
    asyncio.run(AsyncClient().get("/request_log/hello/ada/"))
finally:
    request_started.disconnect(note)
    request_finished.disconnect(note)

for line in heard:
    print(line)
    #> request_started from ClientHandler with ['environ']
    #> request_finished from None with []
    #> request_started from AsyncClientHandler with ['scope']
    #> request_finished from None with []
