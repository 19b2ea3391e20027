"""Search answers the questions readers type, in their words.

Each question is put to the site's own search: Material's search worker, in
Chromium, with the built index. The page that answers it must be among the
first three pages in the results. When one fails, make the answering page
say it in the reader's words (a heading, its title or its first paragraph),
rather than weighting whole pages (search.boost).
"""

import pytest

QUESTIONS = {
    "how do I stop a receiver running twice": "guide/pitfalls/",
    "signal when a password is reset": "guide/auth-signals/",
    "run code after the response is sent": "guide/request-signals/",
    "send an email only after the transaction commits": "guide/transactions-and-tasks/",
    "create a profile when a user registers": "guide/first-receiver/",
    "bulk_create does not call post_save": "guide/pitfalls/",
    "my receiver is never called": "guide/pitfalls/",
    "django signal not firing": "guide/pitfalls/",
    "update does not send signals": ("guide/pitfalls/", "guide/model-signals/"),
    "where should I connect my receivers": "guide/connecting-receivers/",
    "connect receivers in AppConfig ready": "guide/connecting-receivers/",
    "disconnect a receiver": "guide/connecting-receivers/",
    "test that a signal was sent": "guide/testing/",
    "turn off signals in tests": "guide/testing/",
    "on_commit in tests": "guide/testing/",
    "async def receiver": "guide/async-receivers/",
    "asend vs send": "guide/async-receivers/",
    "log failed login attempts": "guide/auth-signals/",
    "user logged in signal": "guide/auth-signals/",
    "which user made the change": "guide/who-made-the-change/",
    "who changed the record in post_save": "guide/who-made-the-change/",
    "delete the file when the model is deleted": "exercises/delete-uploaded-images/",
    "signal when a many to many field changes": "guide/model-signals/",
    "m2m_changed pk_set": "guide/model-signals/",
    "post_save created flag": "guide/model-signals/",
    "signal after migrate": "guide/model-signals/",
    "run a celery task from a signal": "guide/transactions-and-tasks/",
    "outbox pattern": "guide/reliable-side-effects/",
    "define my own signal": "guide/custom-signals/",
    "send_robust": "guide/custom-signals/",
    "loaddata fixtures trigger my receivers": "guide/pitfalls/",
    "signals with several databases": "guide/multiple-databases/",
    "are signals slow": "guide/performance-and-internals/",
    "two requests save the same row at once": "guide/concurrency/",
    "when should I not use signals": "guide/introduction/",
    "list of all built-in signals": ("reference/signals/", "reference/cheat-sheet/"),
    # A signal's name leads to the page that explains it, not to the reference
    # pages that name every signal (they weigh less: search.boost).
    "m2m_changed": "guide/model-signals/",
    "post_migrate": "guide/model-signals/",
    "user_login_failed": "guide/auth-signals/",
    "request_finished": "guide/request-signals/",
    "Count logins": "exercises/count-logins/",
}

# Sets up Material's search worker as its bundle does, then asks each query;
# returns, per query, the pages of the results in order.
ASK_THE_WORKER = """async (queries) => {
  const config = JSON.parse(document.getElementById("__config").textContent);
  const worker = new Worker(new URL(config.search, location.href));
  const ask = (message) => new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.postMessage(message);
  });
  const index = await (await fetch("search/search_index.json")).json();
  const options = {suggest: config.features.includes("search.suggest")};
  await ask({type: 0, data: {config: index.config, docs: index.docs, options}});
  const pages = [];
  for (const query of queries) {
    const result = await ask({type: 2, data: query});
    pages.push(result.data.items.map((group) => group[0].location.split("#")[0]));
  }
  worker.terminate();
  return pages;
}"""


@pytest.fixture(scope="module")
def results(browser, site_url):
    page = browser.new_page(base_url=site_url)
    page.goto("")
    found = page.evaluate(ASK_THE_WORKER, list(QUESTIONS))
    page.close()
    return dict(zip(QUESTIONS, found, strict=True))


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_in_the_top_3(results, question):
    expected = QUESTIONS[question]
    answers = (expected,) if isinstance(expected, str) else expected
    top_3 = list(dict.fromkeys(results[question]))[:3]
    assert set(answers) & set(top_3), (
        f"search for {question!r}: {' or '.join(answers)} is not in the top 3, "
        f"{top_3}. Say it in the reader's words on the page that answers it."
    )
