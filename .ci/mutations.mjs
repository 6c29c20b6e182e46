#!/usr/bin/env node
// Tests that can fail: runs every invalidation test (named with `[invalidation]` by
// test-support's `itInvalidates`) against two broken cores, and fails if any of them passes.
//   all-miss:  every stored entry is judged a miss (as if caching were off);
//   all-valid: every stored entry is judged valid, whatever was invalidated since.
// A test that survives either mutation cannot tell a working cache from a broken one.
// The core is patched in place (tests run from source) and always restored.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const judgePath = join(root, 'packages/core/src/judge.ts')
const MARK = '[invalidation]'

const MUTATIONS = {
  'all-miss': {
    find: 'export function judgeEntry(evidence: Evidence): Verdict {\n',
    replace: "export function judgeEntry(evidence: Evidence): Verdict {\n  if (evidence) return { kind: 'miss', reason: 'absent' }\n",
  },
  'all-valid': {
    find: "  if (!sameList(entry.scopes, scopes) || !stampsStillValid(entry.stamps, current)) return { kind: 'miss', reason: 'invalidated' }\n",
    replace: '',
  },
}

/** Packages whose tests use `itInvalidates`. */
function packagesWithInvalidationTests() {
  const found = []
  for (const name of readdirSync(join(root, 'packages'))) {
    const grep = spawnSync('grep', ['-rlE', 'itInvalidates\\(', join(root, 'packages', name, 'test')], { encoding: 'utf8' })
    if (grep.stdout.trim() !== '') found.push(name)
  }
  return found
}

/** Runs the marked tests of one package; returns every marked test's state. */
function runMarked(pkg) {
  const dir = mkdtempSync(join(tmpdir(), 'kvcache-mutations-'))
  const output = join(dir, 'report.json')
  try {
    spawnSync('npx', ['vitest', 'run', '-t', '\\[invalidation\\]', '--reporter=json', `--outputFile=${output}`], {
      cwd: join(root, 'packages', pkg),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CI: 'true' },
    })
    const report = JSON.parse(readFileSync(output, 'utf8'))
    return report.testResults.flatMap((file) =>
      file.assertionResults.filter((test) => test.fullName.includes(MARK)).map((test) => ({ name: `${pkg}: ${test.fullName}`, status: test.status })),
    )
  } catch (error) {
    return [{ name: `${pkg}: (no report: ${String(error)})`, status: 'passed' }]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const original = readFileSync(judgePath, 'utf8')
const restore = () => writeFileSync(judgePath, original)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (restore(), process.exit(1)))

const packages = packagesWithInvalidationTests()
let failed = false
try {
  for (const [name, mutation] of Object.entries(MUTATIONS)) {
    if (!original.includes(mutation.find)) throw new Error(`mutation ${name}: judge.ts changed, update .ci/mutations.mjs`)
    writeFileSync(judgePath, original.replace(mutation.find, mutation.replace))
    const results = packages.flatMap(runMarked)
    const survivors = results.filter((test) => test.status === 'passed')
    const killed = results.filter((test) => test.status === 'failed').length
    const skipped = results.length - killed - survivors.length
    console.log(
      `mutation ${name}: ${killed} of ${results.length} invalidation tests failed as they must, ${survivors.length} passed, ${skipped} skipped for this ORM version (${packages.join(', ')})`,
    )
    if (results.length === 0) {
      console.log('  no invalidation tests ran')
      failed = true
    }
    for (const survivor of survivors) console.log(`  SURVIVED: ${survivor.name}`)
    if (survivors.length > 0) failed = true
  }
} finally {
  restore()
}
process.exit(failed ? 1 : 0)
