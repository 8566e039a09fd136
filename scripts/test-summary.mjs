// Adds up the vitest JSON reports the packages wrote and prints one closing line,
// "tests: N passed, N failed", failing when a package ran no test at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
const empty = []
for (const dir of ['packages', 'examples']) {
  if (!existsSync(dir)) continue
  for (const name of readdirSync(dir)) {
    const pkg = join(dir, name)
    if (!existsSync(join(pkg, 'package.json'))) continue
    const scripts = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).scripts ?? {}
    if (!scripts.test) continue
    const file = join(pkg, '.test-results.json')
    if (!existsSync(file)) {
      empty.push(`${pkg} (no report)`)
      continue
    }
    const report = JSON.parse(readFileSync(file, 'utf8'))
    passed += report.numPassedTests
    failed += report.numFailedTests
    skipped += report.numPendingTests + report.numTodoTests
    if (report.numTotalTests === 0) empty.push(`${pkg} (no tests)`)
  }
}
for (const pkg of empty) console.error(`missing test results: ${pkg}`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || skipped > 0 || empty.length > 0 ? 1 : 0)
