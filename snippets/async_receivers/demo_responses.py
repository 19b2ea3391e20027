import asyncio

from django.dispatch import Signal

text_checked = Signal()


def spell_check(sender, text, **kwargs):
    return "typo" if "teh" in text else "ok"


async def word_count(sender, text, **kwargs):
    await asyncio.sleep(0)  # a real receiver would await I/O here
    return len(text.split())


async def broken(sender, **kwargs):
    raise ConnectionError("search index unreachable")


# Connected async first: the responses still list the sync receiver first.
text_checked.connect(word_count)
text_checked.connect(spell_check)


async def main():
    responses = await text_checked.asend(sender=None, text="Signals go async")
    for receiver, response in responses:
        print(receiver.__name__, response)
        #> spell_check ok
        #> word_count 3

    text_checked.connect(broken)
    responses = await text_checked.asend_robust(sender=None, text="teh end")
    for receiver, response in responses:
        print(receiver.__name__, repr(response))
        #> spell_check 'typo'
        #> word_count 2
        #> broken ConnectionError('search index unreachable')


asyncio.run(main())
