import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatUsd } from '@aimux/ai-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin } from './cli.js'
import { miniCost, OPENAI_KEY, type Setup, setUp } from './fixtures.js'
import { startTerminal, type Terminal } from './tmux.js'

// The interactive session, typed into a real terminal (tmux), against the fake OpenAI server and
// a SQLite store; then what it stored, read back with the other commands.

let setup: Setup
const terminals: Terminal[] = []
beforeAll(async () => {
  // The default is gpt-4o, so that the session's /model switch shows in the requests.
  setup = await setUp({
    defaultModel: 'openai:gpt-4o',
    budgets: [{ scope: 'user', limitUsd: 5, period: 'month' }],
  })
  expect((await setup.project.run(['models', 'sync'])).code).toBe(0)
}, 60_000)
afterAll(async () => {
  for (const terminal of terminals) await terminal.close()
  await setup.close()
})

async function chat(...args: string[]): Promise<Terminal> {
  const terminal = await startTerminal([process.execPath, bin, 'chat', ...args], {
    cwd: setup.project.dir,
    env: { OPENAI_API_KEY: OPENAI_KEY, NO_COLOR: '1' },
  })
  terminals.push(terminal)
  await terminal.waitFor(/^>$/m)
  return terminal
}

interface ChatBody {
  model: string
  messages: { role: string; content: unknown }[]
}
const bodies = () =>
  setup.server.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as ChatBody)

/** A request's messages as role and text: stored history goes out as text parts, a new question as a string. */
const said = (body: ChatBody | undefined) =>
  body?.messages.map(({ role, content }) => ({
    role,
    content:
      typeof content === 'string'
        ? content
        : (content as { text?: string }[]).map((p) => p.text ?? '').join(''),
  }))

let conversationId = ''

// Each step waits on the terminal; the bound is for a loaded machine, far above the few seconds it takes.
describe('aimux chat, interactive', { timeout: 120_000 }, () => {
  it('/model with Tab completion, an answer streaming in, /status with its cost, Ctrl-C stopping an answer', async () => {
    const terminal = await chat('--user', 'u1')
    conversationId = /conversation ([0-9a-f-]{36})/.exec(await terminal.screen())?.[1] ?? ''
    expect(conversationId).not.toBe('')

    // Tab completes the model from the synced catalog.
    await terminal.type('/model openai:gpt-4o-m')
    await terminal.send('Tab')
    await terminal.waitFor('> /model openai:gpt-4o-mini')
    await terminal.send('Enter')
    await terminal.waitFor('model: openai:gpt-4o-mini')

    // The answer shows as it streams in: part of it while the rest is still being written.
    const chunks = ['A monad ', 'chains ', 'computations ', 'that carry ', 'context.']
    setup.server.enqueue({ chunks, chunkDelayMs: 600, usage: { inputTokens: 18, outputTokens: 12 } })
    await terminal.type('What is a monad?')
    await terminal.send('Enter')
    const partly = await terminal.waitFor('A monad chains')
    expect(partly).not.toContain('context.')
    const cost = formatUsd(miniCost(18, 12))
    await terminal.waitFor(
      `A monad chains computations that carry context.\nopenai:gpt-4o-mini · 18 in, 12 out tokens · ${cost}\n>`,
    )
    expect(bodies().at(-1)).toEqual(
      expect.objectContaining({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'What is a monad?' }],
      }),
    )

    // /status: the model, tokens, the conversation's cost and the budget left.
    await terminal.type('/status')
    await terminal.send('Enter')
    const remaining = formatUsd(5_000_000_000 - miniCost(18, 12))
    const status = await terminal.waitFor(/budget {8}.*\n>$/)
    expect(status).toContain(
      [
        '> /status',
        'model         openai:gpt-4o-mini',
        `conversation  ${conversationId} (2 messages)`,
        'tokens        18 in, 12 out tokens',
        `cost          ${cost}`,
        `budget        user u1, month: ${remaining} of $5.00 left`,
      ].join('\n'),
    )

    // Ctrl-C stops the answer being written, and the session goes on.
    setup.server.enqueue({
      chunks: ['One ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight '],
      chunkDelayMs: 1000,
    })
    await terminal.type('Count to eight')
    await terminal.send('Enter')
    await terminal.waitFor('One two')
    await terminal.send('C-c')
    const stopped = await terminal.waitFor(/\[stopped\]\n>$/)
    expect(stopped).not.toContain('seven')
    expect(said(bodies().at(-1))).toEqual([
      { role: 'user', content: 'What is a monad?' },
      { role: 'assistant', content: 'A monad chains computations that carry context.' },
      { role: 'user', content: 'Count to eight' },
    ])
    await terminal.type('/cost')
    await terminal.send('Enter')
    await terminal.waitFor(`last answer   ${cost} (18 in, 12 out tokens)\nconversation  ${cost}\n>`)

    // A bad model is refused with a message; the session goes on.
    await terminal.type('/model gpt-4o')
    await terminal.send('Enter')
    await terminal.waitFor("error: model 'gpt-4o' has no provider: write provider:model")

    await terminal.type('/exit')
    await terminal.send('Enter')
    const last = await terminal.waitFor('[exited 0]')
    expect(last).toContain(`The conversation is stored: aimux conversations show ${conversationId}`)
    expect(last).not.toContain(OPENAI_KEY)
  })

  it('stores the session as a conversation that the other commands read', async () => {
    const list = await setup.project.run(['conversations', 'list', '--json'])
    expect(list.code).toBe(0)
    const [listed] = JSON.parse(list.stdout)
    expect(listed).toMatchObject({
      id: conversationId,
      userId: 'u1',
      model: 'openai:gpt-4o-mini',
      title: 'What is a monad?',
      totalCostNanoUsd: miniCost(18, 12),
      messageCount: 4,
    })

    const shown = JSON.parse(
      (await setup.project.run(['conversations', 'show', conversationId, '--json'])).stdout,
    )
    expect(shown.messages.map((m: { role: string; status: string }) => `${m.role}:${m.status}`)).toEqual([
      'user:complete',
      'assistant:complete',
      'user:complete',
      'assistant:partial',
    ])

    const markdown = await setup.project.run(['conversations', 'export', conversationId, '--format', 'md'])
    expect(markdown.stdout).toContain(
      `## Assistant · openai:gpt-4o-mini · ${formatUsd(miniCost(18, 12))}\n\nA monad chains computations that carry context.`,
    )
    // The stopped answer is kept as far as it got, with why it stopped.
    expect(markdown.stdout).toMatch(/## Assistant · partial\n\nOne two [^\n]*\n\n_aborted: [^\n]+_\n/)

    const table = (await setup.project.run(['conversations', 'list'])).stdout.split('\n')
    expect(table[0]).toMatch(/^ID +UPDATED \(UTC\) +MESSAGES +COST +USER +MODEL +TITLE$/)
    expect(table[1]).toMatch(
      new RegExp(
        `^${conversationId} +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} +4 +\\${formatUsd(miniCost(18, 12))} +u1 +openai:gpt-4o-mini +What is a monad\\?$`,
      ),
    )

    const json = await setup.project.run(['conversations', 'export', conversationId, '--format', 'json'])
    const exported = JSON.parse(json.stdout)
    expect(exported.conversation).toMatchObject({ id: conversationId, messageCount: 4 })
    expect(exported.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ])
    const written = await setup.project.run([
      'conversations',
      'export',
      conversationId,
      '-f',
      'md',
      '-o',
      'monad.md',
    ])
    expect(written).toEqual({ code: 0, stdout: '', stderr: 'Wrote monad.md.\n' })
    expect(await readFile(join(setup.project.dir, 'monad.md'), 'utf8')).toBe(markdown.stdout)

    const budgets = JSON.parse((await setup.project.run(['budgets', '--scope', 'user:u1', '--json'])).stdout)
    expect(budgets).toEqual([
      expect.objectContaining({ scope: 'user', scopeId: 'u1', spentNanoUsd: miniCost(18, 12) }),
    ])
  })

  it('--resume goes on with a stored conversation, its history sent along', async () => {
    const terminal = await chat('--user', 'u1', '--resume', conversationId)
    expect(await terminal.screen()).toContain(`conversation ${conversationId}`)
    setup.server.enqueue({ text: 'You asked about monads.', usage: { inputTokens: 40, outputTokens: 6 } })
    await terminal.type('What did I ask?')
    await terminal.send('Enter')
    await terminal.waitFor('You asked about monads.')
    expect(bodies().at(-1)?.model).toBe('gpt-4o-mini')
    expect(said(bodies().at(-1))).toEqual([
      { role: 'user', content: 'What is a monad?' },
      { role: 'assistant', content: 'A monad chains computations that carry context.' },
      { role: 'user', content: 'Count to eight' },
      { role: 'assistant', content: expect.stringMatching(/^One two/) },
      { role: 'user', content: 'What did I ask?' },
    ])
    await terminal.send('C-d')
    await terminal.waitFor('[exited 0]')
  })

  it("--resume of a conversation that is not there, or not the user's, says so", async () => {
    const terminal = await startTerminal(
      [process.execPath, bin, 'chat', '--user', 'u9', '--resume', conversationId],
      {
        cwd: setup.project.dir,
        env: { OPENAI_API_KEY: OPENAI_KEY, NO_COLOR: '1' },
      },
    )
    terminals.push(terminal)
    const screen = await terminal.waitFor('[exited 1]')
    expect(screen).toContain(
      `error: There is no conversation '${conversationId}' for user u9; aimux conversations list shows them.\n[exited 1]`,
    )
    const piped = await setup.project.run(['chat', '--resume', conversationId])
    expect(piped).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: an interactive session needs a terminal: give a question, or pipe one in\n',
    })
  })

  it('/system, /models, /save and /reset', async () => {
    const terminal = await chat('--user', 'u3')
    await terminal.type('/system Answer in one word.')
    await terminal.send('Enter')
    await terminal.waitFor('System prompt added.')
    setup.server.enqueue({ text: 'Paris.' })
    await terminal.type('Capital of France?')
    await terminal.send('Enter')
    await terminal.waitFor('Paris.')
    expect(said(bodies().at(-1))).toEqual([
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Capital of France?' },
    ])

    await terminal.type('/models')
    await terminal.send('Enter')
    await terminal.waitFor(
      /MODEL +CONTEXT +INPUT\/1M +OUTPUT\/1M +CAN\nopenai:gpt-4o +\$2\.5 +\$10\nopenai:gpt-4o-mini +\$0\.15 +\$0\.6/,
    )

    await terminal.type('/save transcript.md')
    await terminal.send('Enter')
    await terminal.waitFor(`Saved to ${join(setup.project.dir, 'transcript.md')}.`)
    const saved = await readFile(join(setup.project.dir, 'transcript.md'), 'utf8')
    expect(saved).toContain('# Capital of France?\n')
    expect(saved).toContain(
      '## System\n\nAnswer in one word.\n\n## User\n\nCapital of France?\n\n## Assistant · openai:gpt-4o',
    )

    await terminal.type('/reset')
    await terminal.send('Enter')
    const reset = await terminal.waitFor(/New conversation [0-9a-f-]{36}\./)
    const fresh = /New conversation ([0-9a-f-]{36})\./.exec(reset)?.[1]
    setup.server.enqueue({ text: 'Hello.' })
    await terminal.type('Hi')
    await terminal.send('Enter')
    await terminal.waitFor('Hello.')
    expect(said(bodies().at(-1))).toEqual([{ role: 'user', content: 'Hi' }])
    await terminal.type('/exit')
    await terminal.send('Enter')
    await terminal.waitFor(`The conversation is stored: aimux conversations show ${fresh}`)
  })

  it('Ctrl-C twice at an empty prompt quits, and a session where nothing was said leaves no conversation', async () => {
    const before = JSON.parse((await setup.project.run(['conversations', 'list', '--json'])).stdout)
    const terminal = await chat()
    await terminal.send('C-c')
    await terminal.waitFor('(To exit, press Ctrl-C again, Ctrl-D, or type /exit.)')
    await terminal.send('C-c')
    const last = await terminal.waitFor('[exited 0]')
    expect(last).not.toContain('The conversation is stored')
    const after = JSON.parse((await setup.project.run(['conversations', 'list', '--json'])).stdout)
    expect(after).toEqual(before)
  })
})

describe('errors on a terminal', { timeout: 60_000 }, () => {
  it('are red, unless NO_COLOR is set', async () => {
    for (const env of [{}, { NO_COLOR: '1' }] as Record<string, string>[]) {
      const terminal = await startTerminal([process.execPath, bin, 'usage', '--from', 'soon'], {
        cwd: setup.project.dir,
        env,
      })
      terminals.push(terminal)
      await terminal.waitFor('[exited 2]')
      const line = (await terminal.screen({ escapes: true })).split('\n')[0]
      const text = "error: --from: 'soon' is not a date; write 2026-11-01 or 2026-11-01T12:00:00Z"
      // tmux draws the colour it saw, without the reset at the end of the line.
      expect(line).toBe('NO_COLOR' in env ? text : `\u001b[31m${text}`)
    }
  })
})
