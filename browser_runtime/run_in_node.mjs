// Run demos and app tests in Node, through loader.mjs, as the Run buttons do.
//
//   node browser_runtime/run_in_node.mjs SITE < jobs.json
//
// SITE is a built site (mkdocs build). jobs.json is a list of
//   {"app": "profiles", "kind": "demo", "file": "profiles/demo.py", "code": "..."}
//   {"app": "profiles", "kind": "tests", "files": {"profiles/signals.py": "..."}}
// (any other kind, "skeleton", runs the tests as well: a name for the result)
// Consecutive jobs of one app (and the same `files`) share one Python, as
// the runs on one page share one Worker. Each job's result is printed as a
// line of JSON; the last line lists every request that tried to leave the
// machine, which must be none: fetch() is replaced by a guard that refuses
// any URL, so Pyodide cannot fall back to a CDN here.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const refused = [];
globalThis.fetch = async (url) => {
  refused.push(String(url));
  throw new Error(`run_in_node.mjs refuses to fetch ${url}: every file is read from the site folder`);
};

const site = `${path.resolve(process.argv[2])}/`;
const { loadPyodide } = await import(pathToFileURL(`${site}runtime/pyodide/pyodide.mjs`));
const { startProject } = await import(pathToFileURL(`${site}runtime/loader.mjs`));
const jobs = JSON.parse(readFileSync(0, "utf8"));

const read = async (file) => new Uint8Array(await readFile(file));
let output = { stdout: [], stderr: [] };
let project = null;
let projectKey = null;

for (const [index, job] of jobs.entries()) {
  const started = performance.now();
  const key = JSON.stringify([job.app, job.files ?? {}]);
  const result = { index, app: job.app, kind: job.kind, file: job.file };
  try {
    if (key !== projectKey) {
      projectKey = key;
      output = { stdout: [], stderr: [] };
      // A Python that failed to start fails the app's next jobs the same way.
      project = startProject({
        loadPyodide,
        site,
        read,
        app: job.app,
        files: job.files ?? {},
        progress: () => {},
        stdout: (line) => output.stdout.push(line),
        stderr: (line) => output.stderr.push(line),
      });
    }
    const ready = await project;
    output.stdout.length = 0;
    output.stderr.length = 0;
    Object.assign(
      result,
      job.kind === "demo" ? ready.runDemo(job.code, job.file) : ready.runTests(),
    );
  } catch (error) {
    Object.assign(result, { ok: false, error: String(error.stack ?? error) });
  }
  Object.assign(result, {
    stdout: output.stdout.join("\n"),
    stderr: output.stderr.join("\n"),
    seconds: (performance.now() - started) / 1000,
  });
  console.log(JSON.stringify(result));
}
console.log(JSON.stringify({ refused }));
