import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BINDINGS } from '../src/bindings'
import { workspaceRoot } from '../src/fresh-project'
import { lockedVersion } from '../src/lockfile-versions'
import { readReadmeProject } from '../src/readme-project'

const fence = '```'

describe('readReadmeProject', () => {
  it('takes a block as a file when the line before it starts "`path`:"', () => {
    const readme = [
      '`wrangler.jsonc`:',
      '',
      `${fence}jsonc`,
      '{ "name": "a" }',
      fence,
      '`src/index.ts`: the Worker',
      `${fence}ts`,
      'export default {}',
      fence,
      '`wrangler.jsonc` gets a `hyperdrive` binding. This is `test/pg/readme-hyperdrive.ts`:',
      `${fence}ts`,
      'const x = 1',
      fence,
    ].join('\n')
    expect(readReadmeProject(readme).files).toStrictEqual(
      new Map([
        ['wrangler.jsonc', '{ "name": "a" }\n'],
        ['src/index.ts', 'export default {}\n'],
      ]),
    )
  })

  it('reads install lines anywhere and the other commands of the Quick start only, without comments', () => {
    const readme = [
      `${fence}sh`,
      'npm install @kvcache/drizzle drizzle-orm   # PostgreSQL: pg too',
      'npm install --save-dev wrangler',
      fence,
      '## Quick start (new Worker)',
      `${fence}sh`,
      'npx prisma generate',
      'npx wrangler d1 migrations apply DB --local',
      'npx wrangler dev',
      'curl -i localhost:8787/posts   # x-cache: miss',
      fence,
      '## Hyperdrive',
      `${fence}sh`,
      'npx wrangler hyperdrive update <id> --caching-disabled',
      fence,
    ].join('\n')
    expect(readReadmeProject(readme)).toMatchObject({
      dependencies: ['@kvcache/drizzle', 'drizzle-orm'],
      devDependencies: ['wrangler'],
      commands: ['npx prisma generate', 'npx wrangler d1 migrations apply DB --local'],
    })
  })

  it.each([
    [['`a.ts`:', `${fence}ts`, 'one', fence, '`a.ts`:', `${fence}ts`, 'two', fence], 'two different `a.ts`'],
    [[`${fence}sh`, 'npm install --global wrangler', fence], 'not `--global`'],
    [[`${fence}sh`, 'npm install drizzle-orm@beta', fence], 'without a version (`drizzle-orm@beta`)'],
  ])('refuses a README that the test could not follow: %j', (lines, message) => {
    expect(() => readReadmeProject(lines.join('\n'))).toThrow(message)
  })

  it('accepts the same file shown twice with the same content', () => {
    const block = ['`a.ts`:', `${fence}ts`, 'one', fence]
    expect(readReadmeProject([...block, ...block].join('\n')).files.get('a.ts')).toBe('one\n')
  })
})

describe('lockedVersion', () => {
  const lockfile = [
    "lockfileVersion: '9.0'",
    'importers:',
    '',
    '  .:',
    '    devDependencies:',
    '      wrangler:',
    '        specifier: 4.84.1',
    '        version: 4.84.1(@cloudflare/workers-types@4.20260702.1)',
    '  packages/kysely:',
    '    dependencies:',
    "      '@kvcache/core':",
    '        specifier: workspace:*',
    '        version: link:../core',
    '    devDependencies:',
    '      kysely:',
    '        specifier: ^0.28.19',
    '        version: 0.28.19',
    '      kysely-0.29:',
    '        specifier: npm:kysely@0.29.9',
    '        version: kysely@0.29.9',
    '',
    'packages:',
    '  kysely@0.28.19:',
    '    version: 9.9.9',
  ].join('\n')

  it.each([
    ['kysely', ['packages/kysely', '.'], '0.28.19'],
    ['wrangler', ['packages/kysely', '.'], '4.84.1'],
  ])('%s from %j is %s (peer suffix dropped)', (name, importers, version) => {
    expect(lockedVersion(lockfile, name, importers)).toBe(version)
  })

  it('throws naming a package no importer has (a workspace link or an alias is not a version)', () => {
    expect(() => lockedVersion(lockfile, '@kvcache/core', ['packages/kysely'])).toThrow('`@kvcache/core` is in no lockfile importer')
    expect(() => lockedVersion(lockfile, 'kysely', ['.'])).toThrow('`kysely` is in no lockfile importer of .')
  })
})

// Fast checks of what the slow test relies on, with messages that say what the README is missing.
describe.each(BINDINGS)('$name README shows a complete new Worker', (binding) => {
  const markdown = readFileSync(binding.readmePath, 'utf8')
  const readme = readReadmeProject(markdown)
  const installed = [...readme.dependencies, ...readme.devDependencies]

  it('a wrangler.jsonc with name, main, compatibility date and flags, D1 and KV bindings; its main file', () => {
    const config = parseJsonc(readme.files.get('wrangler.jsonc') ?? 'null') as Record<string, unknown> | null
    expect(config).toMatchObject({
      name: expect.any(String),
      main: expect.any(String),
      compatibility_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      compatibility_flags: ['nodejs_compat'],
      d1_databases: [expect.objectContaining({ binding: 'DB' })],
      kv_namespaces: [expect.objectContaining({ binding: 'CACHE_KV' })],
    })
    expect([...readme.files.keys()]).toContain(config?.main)
    expect(readme.files.get(String(config?.main))).toContain('export default {')
  })

  it('install lines for every package its files import, and wrangler', () => {
    expect(readme.devDependencies).toContain('wrangler')
    const imported = [...readme.files]
      .filter(([path]) => path.endsWith('.ts'))
      .flatMap(([, source]) => [...source.matchAll(/from '([^'.][^':]*)'/g)].map((match) => packageName(match[1] ?? '')))
    expect(installed).toStrictEqual(expect.arrayContaining(imported))
  })

  it('a command that creates the tables locally, and curl lines for what the slow test checks: miss, hit, write, fresh read', () => {
    expect(readme.commands).toStrictEqual(expect.arrayContaining([expect.stringMatching(/^npx wrangler d1 (migrations apply|execute) DB --local/)]))
    for (const shown of ['[] and x-cache: miss', `[] and x-cache: ${binding.hit}`, `-d '{"title":"Hello"}'`, '[{"id":1,"title":"Hello"}] and x-cache: miss']) {
      expect(markdown).toContain(shown)
    }
  })

  it('@kvcache packages that exist in this workspace', () => {
    for (const name of installed.filter((name) => name.startsWith('@kvcache/'))) {
      expect(() => readFileSync(join(workspaceRoot, 'packages', name.slice('@kvcache/'.length), 'package.json')), name).not.toThrow()
    }
  })
})

/** `drizzle-orm/d1` -> `drizzle-orm`, `@kvcache/drizzle/d1` -> `@kvcache/drizzle` */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '')
}

/** wrangler.jsonc as wrangler reads it: JSON with comments and trailing commas (none inside the strings a README shows). */
function parseJsonc(text: string): unknown {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1'))
}
