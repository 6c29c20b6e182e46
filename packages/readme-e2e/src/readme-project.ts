/** What a README tells a newcomer to put in a fresh Worker project, read by the rules below. */
export interface ReadmeProject {
  /** Each file the README shows, by its path in the project: a fenced block right after a line that starts "`path`:". */
  readonly files: ReadonlyMap<string, string>
  /** Package names from the README's `npm install ...` lines. */
  readonly dependencies: readonly string[]
  /** Package names from its `npm install --save-dev ...` lines. */
  readonly devDependencies: readonly string[]
  /** The other commands of the Quick start's `sh` blocks, in order (tables, code generation), to run as written. */
  readonly commands: readonly string[]
}

interface FencedBlock {
  readonly language: string
  readonly body: string
  /** The last non-empty line before the fence. */
  readonly label: string
  /** The `##` heading the block sits under. */
  readonly section: string
}

// "`wrangler.jsonc`:" or "`src/index.ts`: the Worker": a path in backticks, then a colon.
const FILE_LABEL = /^`([\w@.-]+(?:\/[\w@.-]+)*\.\w+)`:/
const QUICK_START = /^quick start/i
// The newcomer runs these by hand; the test starts its own dev server and sends its own requests.
const RUN_BY_THE_TEST = [/^npx wrangler dev(\s|$)/, /^curl\s/]

/** Reads a README's fenced blocks into the project they describe. Throws when the README contradicts itself. */
export function readReadmeProject(markdown: string): ReadmeProject {
  const files = new Map<string, string>()
  const dependencies: string[] = []
  const devDependencies: string[] = []
  const commands: string[] = []
  for (const block of fencedBlocks(markdown)) {
    const path = FILE_LABEL.exec(block.label)?.[1]
    if (path !== undefined) addFile(files, path, block.body)
    if (block.language !== 'sh') continue
    for (const line of shellLines(block.body)) {
      const install = parseInstall(line)
      if (install) (install.dev ? devDependencies : dependencies).push(...install.names)
      else if (QUICK_START.test(block.section) && !RUN_BY_THE_TEST.some((pattern) => pattern.test(line))) commands.push(line)
    }
  }
  return { files, dependencies, devDependencies, commands }
}

function addFile(files: Map<string, string>, path: string, body: string): void {
  const shown = files.get(path)
  if (shown !== undefined && shown !== body) throw new Error(`The README shows two different \`${path}\`: keep one.`)
  files.set(path, body)
}

function* fencedBlocks(markdown: string): Generator<FencedBlock> {
  const lines = markdown.split('\n')
  let section = ''
  let label = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const fence = /^(`{3,})([\w-]*)\s*$/.exec(line)
    if (fence === null) {
      if (line.startsWith('## ')) section = line.slice(3).trim()
      if (line.trim() !== '') label = line.trim()
      continue
    }
    const body: string[] = []
    for (i++; i < lines.length && (lines[i] ?? '').trimEnd() !== fence[1]; i++) body.push(lines[i] ?? '')
    yield { language: fence[2] ?? '', body: `${body.join('\n')}\n`, label, section }
    label = ''
  }
}

/** The block's commands, one per line, without comments. */
function shellLines(body: string): string[] {
  return body
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
}

function parseInstall(line: string): { dev: boolean; names: string[] } | undefined {
  const words = line.split(/\s+/)
  if (words[0] !== 'npm' || (words[1] !== 'install' && words[1] !== 'i')) return undefined
  const flags = words.slice(2).filter((word) => word.startsWith('-'))
  const unknown = flags.find((flag) => flag !== '--save-dev' && flag !== '-D')
  if (unknown !== undefined) throw new Error(`\`${line}\`: the test knows \`npm install\` and \`npm install --save-dev\`, not \`${unknown}\`.`)
  const names = words.slice(2).filter((word) => !word.startsWith('-'))
  // The test installs the version the workspace lockfile resolves: a version here would not be what runs.
  const pinned = names.find((name) => name.lastIndexOf('@') > 0)
  if (pinned !== undefined) throw new Error(`\`${line}\`: name packages without a version (\`${pinned}\`).`)
  return { dev: flags.length > 0, names }
}
