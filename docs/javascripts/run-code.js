// The Run buttons (hooks/run_in_browser.py puts them on the pages).
//
// Nothing is loaded until one is clicked. Then a Web Worker
// (runtime/worker.mjs, one per app) starts Python with Django and the app,
// from this site's own files, and runs the demo under the button, as the
// reader edits it, or the app's tests. Output appears under the code.
(() => {
  // URLs relative to this script, so the site works under any path.
  const WORKER = new URL("../runtime/worker.mjs", document.currentScript.src);
  const FIRST_RUN_SECONDS = 120; // downloads Python and Django, then migrates
  const NEXT_RUN_SECONDS = 30;
  const workers = new Map(); // "app" or "app + edited files" -> {worker, started}
  let lastId = 0;

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.textContent = text;
    return node;
  }

  // The Worker for a job's app (and edited files), started when first needed.
  function workerFor(key, job) {
    if (workers.has(key)) return workers.get(key);
    // An exercise's earlier version is not run again: free its memory.
    for (const old of workers.values()) {
      if (job.files && old.app === job.app && old.edited) end(old, new Error("Replaced."));
    }
    const entry = {
      key, app: job.app, edited: Boolean(job.files), started: false,
      worker: new Worker(WORKER, { type: "module" }),
      pending: new Map(), // job id -> {take(message), fail(error)}
    };
    entry.worker.onmessage = ({ data }) => entry.pending.get(data.id)?.take(data);
    entry.worker.onerror = (event) => end(entry, new Error(
      `The Python worker failed to start: ${event.message ?? "see the browser's console"}`));
    workers.set(key, entry);
    return entry;
  }

  // Stop a Worker: its jobs fail with error; the next click starts afresh.
  function end(entry, error) {
    entry.worker.terminate();
    workers.delete(entry.key);
    for (const job of entry.pending.values()) job.fail(error);
    entry.pending.clear();
  }

  // Send one job to its Worker; resolves with its result, rejects on an
  // error or when no answer comes in time (the Worker is then ended).
  function run(job, on) {
    const entry = workerFor(JSON.stringify([job.app, job.files ?? {}]), job);
    const id = ++lastId;
    const seconds = entry.started ? NEXT_RUN_SECONDS : FIRST_RUN_SECONDS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => end(entry, new Error(
        `No answer after ${seconds} s, so Python was stopped. Does the code wait ` +
        "forever or loop without end? Run it again to start afresh.")), seconds * 1000);
      const fail = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      const take = (data) => {
        if (data.type === "done") {
          clearTimeout(timer);
          entry.pending.delete(id);
          entry.started = true;
          resolve(data.result);
        } else if (data.type === "error") {
          end(entry, new Error(data.text));
        } else {
          on[data.type]?.(data.text);
        }
      };
      entry.pending.set(id, { take, fail });
      entry.worker.postMessage({ id, ...job });
    });
  }

  // The panel under a button: editor (demos), status, output, error box.
  function panel(button) {
    const holder = button.closest("p") ?? button;
    if (holder.nextElementSibling?.classList.contains("run-code-panel")) {
      return holder.nextElementSibling;
    }
    const box = element("div", { class: "run-code-panel" });
    if (button.dataset.run !== "tests") {
      const code = holder.previousElementSibling?.querySelector("code")?.textContent ?? "";
      const id = `run-code-${++lastId}`;
      const then = button.dataset.run === "demo" ? "run it again" : "run the tests";
      box.append(element("label", { for: id }, `Edit ${button.dataset.file}, then ${then} (Ctrl+Enter)`));
      const editor = element("textarea", {
        id, class: "run-code-editor", spellcheck: "false", autocapitalize: "off",
        rows: String(Math.min(code.split("\n").length + 1, 25)),
      });
      editor.value = code;
      editor.dataset.original = code;
      editor.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          start(button);
        }
      });
      const reset = element("button", { type: "button", class: "md-button run-code-reset" }, "Reset");
      reset.addEventListener("click", () => {
        editor.value = editor.dataset.original;
        box.querySelector(".run-code-output").textContent = "";
        box.querySelector(".run-code-error").hidden = true;
        box.querySelector(".run-code-status").textContent = "Code reset to the page's version.";
      });
      box.append(editor, reset);
    }
    box.append(
      element("p", { class: "run-code-status", role: "status" }),
      element("pre", { class: "run-code-output", tabindex: "0", "aria-label": "Output" }),
      element("div", { class: "run-code-error", role: "alert", hidden: "" }),
    );
    holder.after(box);
    return box;
  }

  function showError(box, message, traceback = "") {
    const error = box.querySelector(".run-code-error");
    error.replaceChildren(element("p", {}, message));
    if (traceback) error.append(element("pre", {}, traceback));
    error.hidden = false;
  }

  function showTests(box, result) {
    const list = element("ul", { class: "run-code-tests" });
    for (const test of result.tests ?? []) {
      const item = element("li", { "data-outcome": test.outcome }, `${test.outcome}: ${test.test}`);
      if (test.detail) {
        const details = element("details");
        details.append(element("summary", {}, "Details"), element("pre", {}, test.detail));
        item.append(details);
      }
      list.append(item);
    }
    box.querySelector(".run-code-output").after(list);
  }

  async function start(button) {
    if (button.disabled) return; // running already (Ctrl+Enter in the editor)
    const box = panel(button);
    const status = box.querySelector(".run-code-status");
    const output = box.querySelector(".run-code-output");
    const editor = box.querySelector(".run-code-editor");
    output.textContent = "";
    box.querySelector(".run-code-error").hidden = true;
    box.querySelector(".run-code-tests")?.remove();
    button.disabled = true;
    const began = performance.now();
    const write = (line) => output.append(`${line}\n`);
    const kind = button.dataset.run;
    const file = button.dataset.file;
    const job = { app: button.dataset.app, kind: kind === "demo" ? "demo" : "tests" };
    if (kind === "demo") Object.assign(job, { file, code: editor.value });
    if (kind === "exercise") job.files = { [file]: editor.value };
    try {
      const result = await run(job, { progress: (text) => (status.textContent = text), stdout: write, stderr: write });
      const took = `${((performance.now() - began) / 1000).toFixed(1)} s`;
      if (job.kind === "tests") showTests(box, result);
      if (result.ok) {
        status.textContent = job.kind === "tests" ? `${result.summary}, in ${took}.` : `Done in ${took}.`;
      } else {
        status.textContent = `Failed after ${took}.`;
        showError(box, job.kind === "tests" ? (result.summary ?? "The tests could not run.")
          : "The code raised an exception:", result.error ?? "");
      }
    } catch (error) {
      status.textContent = "Stopped.";
      showError(box, error.message);
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.run-code");
    if (button) start(button);
  });
})();
