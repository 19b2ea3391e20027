from orders.signals import order_completed


def first(sender, **kwargs):
    return "first ran"


def broken(sender, **kwargs):
    raise ValueError("mail server down")


def last(sender, **kwargs):
    return "last ran"


for receiver in (first, broken, last):
    order_completed.connect(receiver)
try:
    try:
        order_completed.send(sender=None, order=None, completed_by=None)
    except ValueError as error:
        print("send() raised:", error)
        #> send() raised: mail server down

    results = order_completed.send_robust(sender=None, order=None, completed_by=None)
    for receiver, response in results:
        print(receiver.__name__, "->", repr(response))
        #> first -> 'first ran'
        #> broken -> ValueError('mail server down')
        #> last -> 'last ran'
finally:
    for receiver in (first, broken, last):
        order_completed.disconnect(receiver)
