// Prints one plain closing line, "N passed, N failed", from the Vitest JSON reports of `npm test`,
// so CI logs state how many tests ran. Exits non-zero when a report is missing or nothing ran.
import { readFileSync, existsSync } from 'node:fs';

const reports = ['.test-results/node.json', '.test-results/browser.json'];
let passed = 0, failed = 0, skipped = 0;
for (const file of reports) {
  if (!existsSync(file)) {
    console.error(`test-summary: missing ${file}`);
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exit(1);
