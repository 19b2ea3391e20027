// Lighthouse (mobile, its defaults) on each URL given, in one Chromium.
// Prints one JSON line per page: its category scores, the audits that cost
// points, and (with performance) how fast the machine was, by Lighthouse's
// benchmark. Usage: node lighthouse.mjs [--only=performance] URL...
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--only="))?.slice(7);
const urls = args.filter((a) => !a.startsWith("--"));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", ...JSON.parse(process.env.CHROMIUM_ARGS || "[]")],
});
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      // Pictures for a report nobody reads here: a full-page screenshot of a
      // long page costs seconds, and none of them counts in a score.
      disableFullPageScreenshot: true,
      skipAudits: ["screenshot-thumbnails", "final-screenshot"],
      ...(only && { onlyCategories: [only] }),
    });
    const categories = {};
    for (const [id, category] of Object.entries(lhr.categories)) {
      const costly = category.auditRefs
        .filter((ref) => ref.weight && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
        .map((ref) => `${ref.id} (${lhr.audits[ref.id].displayValue || "failed"})`);
      categories[id] = { score: category.score, costly };
    }
    if (categories.performance) categories.performance.benchmark = lhr.environment.benchmarkIndex;
    console.log(JSON.stringify({ url, categories }));
  }
} finally {
  await chrome.kill();
}
