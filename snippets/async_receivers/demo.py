import asyncio

from async_receivers.services import front_page, publish


async def main():
    await publish("Signals go async")
    await publish("Receivers can await")
    # warm_front_page has cached the titles; front_page() reads them back.
    print(await front_page())
    #> ['Receivers can await', 'Signals go async']


asyncio.run(main())
