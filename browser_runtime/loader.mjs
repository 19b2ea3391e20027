// Start Python with Django and one app of the guide, from the site's own files.
//
// The one way the Run buttons start Python: the page's Web Worker
// (worker.mjs) and the Node runner of the tests (run_in_node.mjs) both call
// startProject(), so `make test` runs the demos through the code a reader's
// browser runs. Every file comes from `site` (the built site's root, a URL in
// a browser, a folder in Node); nothing is ever fetched from anywhere else.
//
//   site/runtime/pyodide/   Pyodide, from npm (browser_runtime/package-lock.json)
//   site/runtime/wheels/    Django, asgiref, sqlparse (requirements/django-6.1.txt)
//   site/runtime/python.zip page_runner.py and page_project/ (browser_runtime/python/)
//   site/runtime/manifest.json  the wheels, and each app's settings
//   site/downloads/<app>.zip    the app and the apps it requires (hooks/copyable_apps.py)

const HOME = "/home/pyodide";

// Start Pyodide, install Django, unpack the app, migrate. `read(url)` returns
// a file's bytes; `progress(text)` says what is happening; `stdout(line)` and
// `stderr(line)` get the output, a line at a time. `files` replaces files of
// the app before Django starts ({"blog/signals.py": code}): an exercise's
// receivers, as the reader wrote them.
export async function startProject({
  loadPyodide, site, read, app, progress, stdout, stderr, files = {},
}) {
  const runtime = `${site}runtime/`;
  const manifest = JSON.parse(new TextDecoder().decode(await read(`${runtime}manifest.json`)));
  const settings = manifest.apps[app];
  if (settings === undefined) {
    throw new Error(`No app "${app}" in ${runtime}manifest.json: is snippets/${app}/ an app?`);
  }

  progress("Loading Python…");
  const pyodide = await loadPyodide({
    indexURL: `${runtime}pyodide/`,
    lockFileURL: `${runtime}pyodide/pyodide-lock.json`,
    packageBaseUrl: `${runtime}wheels/`,
    stdout,
    stderr,
  });

  progress("Loading Django…");
  const problems = [];
  await pyodide.loadPackage(
    manifest.wheels.map((wheel) => `${runtime}wheels/${wheel}`),
    { messageCallback: () => {}, errorCallback: (message) => problems.push(message) },
  );
  // loadPackage only logs a file it could not load: check that each one is there.
  try {
    pyodide.runPython("import django, asgiref, sqlparse");
  } catch (error) {
    throw new Error(`Django did not install from ${runtime}wheels/: ${problems.join("; ") || error.message}`);
  }

  pyodide.unpackArchive(await read(`${runtime}python.zip`), "zip", { extractDir: HOME });
  pyodide.unpackArchive(await read(`${site}downloads/${app}.zip`), "zip", {
    extractDir: `${HOME}/snippets`,
  });
  for (const [path, code] of Object.entries(files)) {
    if (!pyodide.FS.analyzePath(`${HOME}/snippets/${path}`).exists) {
      throw new Error(`No file snippets/${path} in ${site}downloads/${app}.zip`);
    }
    pyodide.FS.writeFile(`${HOME}/snippets/${path}`, code);
  }

  progress("Migrating…");
  const runner = pyodide.pyimport("page_runner");
  runner.start(settings);

  return {
    pyodide,
    // A demo's code, as the page shows it or as the reader edited it.
    runDemo: (code, filename) => JSON.parse(runner.run_demo(code, filename)),
    // The app's own tests, through Django's test runner.
    runTests: (label = app) => JSON.parse(runner.run_tests(label)),
  };
}
