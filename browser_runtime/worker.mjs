// The Web Worker a page's Run buttons talk to: Python runs here, never on the
// page's own thread, so the page stays responsive while Django starts.
// One Worker per app (docs/javascripts/run-code.js): it starts Python once,
// through loader.mjs, and then runs each message it gets.
//
//   page -> worker  {id, kind: "demo", app, file, code}  or  {id, kind: "tests", app, files}
//   worker -> page  {id, type: "progress" | "stdout" | "stderr", text}
//                   {id, type: "done", result}  or  {id, type: "error", text}

import { loadPyodide } from "./pyodide/pyodide.mjs";
import { startProject } from "./loader.mjs";

const site = new URL("../", import.meta.url).href;
let current = 0;
let project = null;

async function read(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function say(type, text) {
  postMessage({ id: current, type, text });
}

// One job at a time, in the order sent: the output goes to the job that made it.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle(data) {
  current = data.id;
  try {
    project ??= startProject({
      loadPyodide,
      site,
      read,
      app: data.app,
      files: data.files ?? {},
      progress: (text) => say("progress", text),
      stdout: (line) => say("stdout", line),
      stderr: (line) => say("stderr", line),
    });
    const ready = await project;
    say("progress", "Running…");
    const result = data.kind === "demo" ? ready.runDemo(data.code, data.file) : ready.runTests();
    postMessage({ id: data.id, type: "done", result });
  } catch (error) {
    postMessage({ id: data.id, type: "error", text: String(error.message ?? error) });
  }
}
