import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBin } from './cli.js'
import { type Setup, setUp } from './fixtures.js'

// --help, --version, exit codes and one-line errors, through the built bin.

let empty: string
let setup: Setup
beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'aimux-cli-empty-'))
  setup = await setUp()
})
afterAll(async () => {
  await rm(empty, { recursive: true, force: true })
  await setup.close()
})

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runBin(args, { cwd: empty, env })

/** Every command and subcommand, as typed after `aimux`. */
const commands = [
  ['chat'],
  ['models'],
  ['models', 'sync'],
  ['models', 'list'],
  ['prices'],
  ['usage'],
  ['budgets'],
  ['conversations'],
  ['conversations', 'list'],
  ['conversations', 'show'],
  ['conversations', 'export'],
  ['keys'],
  ['keys', 'add'],
  ['keys', 'list'],
  ['keys', 'retire'],
  ['keys', 'disable'],
  ['keys', 'enable'],
  ['keys', 'remove'],
  ['keys', 'test'],
  ['keys', 'rotate-master-key'],
  ['serve'],
]

describe('help and version', () => {
  it('--version prints the version of the package', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default
    const result = await run(['--version'])
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('--help lists every command, with examples', async () => {
    const result = await run(['--help'])
    expect(result.code).toBe(0)
    for (const name of ['chat', 'models', 'prices', 'usage', 'budgets', 'conversations', 'keys', 'serve']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'))
    }
    expect(result.stdout).toContain('Examples:\n  $ aimux chat ')
    expect(result.stdout).toContain('-c, --config <file>')
  })

  it.each(commands.map((words) => words.join(' ')))(
    'aimux %s --help shows its options and examples, without a config',
    async (line) => {
      const words = line.split(' ')
      const result = await run([...words, '--help'])
      // Both at once, so that a failure shows what the command wrote to stderr.
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
      expect(result.stdout).toContain(`Usage: aimux ${words.join(' ')}`)
      expect(result.stdout).toMatch(/\nExamples:\n {2}\$ .*aimux /)
    },
  )

  it('help <command> is the same as <command> --help', async () => {
    const viaHelp = await run(['help', 'usage'])
    const viaOption = await run(['usage', '--help'])
    expect(viaHelp.code).toBe(0)
    expect(viaHelp.stdout).toBe(viaOption.stdout)
  })

  it('documents the options that shape the answer', async () => {
    const usage = (await run(['usage', '--help'])).stdout.replace(/\s+/g, ' ')
    expect(usage).toContain('--by <group>')
    expect(usage).toContain('"model", "provider", "user", "tenant", "day"')
    expect(usage).toContain('--json the rows and the total as JSON --csv the rows as CSV')
    const chat = (await run(['chat', '--help'])).stdout
    expect(chat).toContain('-m, --model <provider:model>')
    expect(chat).toContain('[question...]')
  })
})

/** One line on standard error, nothing on standard output. */
function expectOneLineError(
  result: { code: number | null; stdout: string; stderr: string },
  code: number,
  text: string,
) {
  expect(result.code).toBe(code)
  expect(result.stdout).toBe('')
  expect(result.stderr.endsWith('\n')).toBe(true)
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(result.stderr).toContain(text)
}

describe('usage mistakes exit with 2 and one clear line', () => {
  it('an unknown command, with a suggestion', async () => {
    expectOneLineError(await run(['chta']), 2, "error: unknown command 'chta' (Did you mean chat?)")
  })

  it('an unknown subcommand', async () => {
    expectOneLineError(await run(['models', 'purge']), 2, "error: unknown command 'purge'")
  })

  it('an unknown option', async () => {
    expectOneLineError(await run(['usage', '--form', '2026-11-01']), 2, "error: unknown option '--form'")
  })

  it('a bad date', async () => {
    expectOneLineError(
      await run(['usage', '--from', 'yesterday']),
      2,
      "error: --from: 'yesterday' is not a date; write 2026-11-01 or 2026-11-01T12:00:00Z",
    )
    expectOneLineError(
      await run(['usage', '--to', '2026-02-30']),
      2,
      "error: --to: '2026-02-30' is not a date",
    )
    expectOneLineError(
      await run(['prices', 'openai:gpt-4o', '--at', 'soon']),
      2,
      "error: --at: 'soon' is not a date",
    )
  })

  it('--from after --to', async () => {
    expectOneLineError(
      await run(['usage', '--from', '2026-11-03', '--to', '2026-11-01']),
      2,
      'error: --from is after --to',
    )
  })

  it('a group that is not one', async () => {
    expectOneLineError(
      await run(['usage', '--by', 'week']),
      2,
      "error: option '--by <group>' argument 'week' is invalid. Allowed choices are model, provider, user, tenant, day.",
    )
  })

  it('--json with --csv', async () => {
    expectOneLineError(
      await run(['usage', '--json', '--csv']),
      2,
      "error: option '--json' cannot be used with option '--csv'",
    )
  })

  it('a scope that is not one', async () => {
    expectOneLineError(await run(['budgets', '--scope', 'u1']), 2, "error: --scope: 'u1' is not a scope")
  })

  it('a model without its provider', async () => {
    const result = await setup.project.run(['chat', '-m', 'gpt-4o', 'Hi'])
    expectOneLineError(
      result,
      2,
      "error: model 'gpt-4o' has no provider: write provider:model, such as openai:gpt-4o (providers: openai)",
    )
    expect(setup.server.requests).toHaveLength(0)
    expectOneLineError(
      await setup.project.run(['prices', 'gpt-4o']),
      2,
      "error: model 'gpt-4o' has no provider",
    )
  })

  it('a missing argument', async () => {
    expectOneLineError(await run(['conversations', 'show']), 2, "error: missing required argument 'id'")
    expectOneLineError(
      await run(['conversations', 'export', 'c1']),
      2,
      "error: required option '-f, --format <format>'",
    )
  })

  it('aimux alone shows the help on standard error', async () => {
    const result = await run([])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Usage: aimux [options] [command]')
  })
})

describe('errors', () => {
  it('no config file is an error (1) that says where it looked', async () => {
    const result = await run(['usage'])
    expectOneLineError(result, 1, 'error: ')
    expect(result.stderr).toContain('aimux.config.json')
    expect(result.stderr).toContain(empty)
  })

  it('--config naming a file that is not there', async () => {
    const result = await run(['--config', 'nowhere.json', 'usage'])
    expectOneLineError(result, 1, 'nowhere.json')
  })

  it('is plain when standard error is not a terminal, red only when colour is forced', async () => {
    const plain = await run(['usage', '--from', 'x'], { NO_COLOR: '' })
    expect(plain.stderr).toBe("error: --from: 'x' is not a date; write 2026-11-01 or 2026-11-01T12:00:00Z\n")
    const forced = await run(['usage', '--from', 'x'], { NO_COLOR: '', FORCE_COLOR: '1' })
    expect(forced.stderr).toBe(
      "\u001b[31merror: --from: 'x' is not a date; write 2026-11-01 or 2026-11-01T12:00:00Z\u001b[39m\n",
    )
    const commander = await run(['chta'], { NO_COLOR: '', FORCE_COLOR: '1' })
    expect(commander.stderr.startsWith("\u001b[31merror: unknown command 'chta'")).toBe(true)
    expect(commander.stderr.endsWith('\u001b[39m\n')).toBe(true)
  })
})
