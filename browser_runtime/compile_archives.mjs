// Compile the Python in zip archives to bytecode, with the Python the pages run.
//
//   node browser_runtime/compile_archives.mjs INSTALLED_AT ARCHIVE...
//
// browser_runtime/fetch.py runs this on Pyodide's standard library and on
// the wheels of Django, asgiref and sqlparse, in place. Pyodide's npm package
// ships the standard library as source, and PyPI's wheels are source too, so
// every Python a Run button starts would compile each module it imports:
// about 4 s of each start on these machines. Bytecode belongs to one Python
// version, so this Pyodide makes it (compile_archive.py runs inside it).
// INSTALLED_AT is where the archive's files are found at run time, which
// tracebacks name: /lib/python314.zip, or /lib/python3.14/site-packages.

import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";

const [installedAt, ...archives] = process.argv.slice(2);
const pyodide = await loadPyodide({
  indexURL: new URL("./node_modules/pyodide/", import.meta.url).pathname,
});
const source = readFileSync(new URL("./compile_archive.py", import.meta.url), "utf8");
const compileArchive = pyodide.runPython(`${source}\ncompile_archive`);
for (const archive of archives) {
  pyodide.FS.writeFile("/tmp/source.zip", readFileSync(archive));
  compileArchive("/tmp/source.zip", "/tmp/compiled.zip", installedAt);
  writeFileSync(archive, pyodide.FS.readFile("/tmp/compiled.zip"));
}
