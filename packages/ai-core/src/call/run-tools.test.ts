import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AbortedError, ConfigError, ValidationError } from '../errors/errors.js'
import { type AnyTool, defineTool, type Tool } from '../spec/tool.js'
import { runnable, runTools, toolResultPart } from './run-tools.js'

const scope = { userId: 'u1' }
const context = (signal = new AbortController().signal) => ({ requestId: 'req-1', scope, signal })
const tools = (...list: AnyTool[]) => new Map(list.map((t) => [t.name, t]))

const add = defineTool({
  name: 'add',
  parameters: z.object({ a: z.number(), b: z.number().default(10) }),
  execute: ({ a, b }) => a + b,
})

describe('runTools', () => {
  it('runs each call with its parsed arguments and the call context, results in call order', async () => {
    const seen: unknown[] = []
    const echo: Tool = {
      name: 'echo',
      parameters: { type: 'object' },
      execute: (args, ctx) => {
        seen.push({ args, ctx: { ...ctx, signal: typeof ctx.signal } })
        return undefined
      },
    }
    const runs = await runTools(
      [
        { id: 'c1', name: 'add', args: { a: 1 } },
        { id: 'c2', name: 'echo', args: { raw: true } },
      ],
      tools(add, echo),
      context(),
    )
    expect(runs.map((r) => r.result)).toEqual([
      { toolCallId: 'c1', toolName: 'add', result: 11, isError: false },
      // A tool that returns nothing gives null, which JSON can carry back to the model.
      { toolCallId: 'c2', toolName: 'echo', result: null, isError: false },
    ])
    expect(seen).toEqual([
      { args: { raw: true }, ctx: { requestId: 'req-1', scope, signal: 'object', toolCallId: 'c2' } },
    ])
    for (const run of runs) expect(run.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('times each call: never longer than the whole run took', async () => {
    const before = performance.now()
    const [run] = await runTools([{ id: 'c1', name: 'add', args: { a: 1 } }], tools(add), context())
    const elapsed = performance.now() - before
    expect(run!.durationMs).toBeGreaterThanOrEqual(0)
    expect(run!.durationMs).toBeLessThanOrEqual(elapsed)
  })

  it('sends an unknown tool, invalid arguments and failures back as error results', async () => {
    const failing = (name: string, error: unknown): Tool => ({
      name,
      parameters: {},
      execute: () => {
        throw error
      },
    })
    const invalid = new ValidationError('Argument q must be a string.')
    const runs = await runTools(
      [
        { id: 'c1', name: 'nope', args: {} },
        { id: 'c2', name: 'add', args: { a: 'one', b: 'two' } },
        { id: 'c3', name: 'checks', args: {} },
        { id: 'c4', name: 'typed', args: {} },
        { id: 'c5', name: 'plain', args: {} },
        { id: 'c6', name: 'odd', args: {} },
      ],
      tools(
        add,
        failing('checks', invalid),
        failing('typed', new ConfigError('not configured')),
        failing('plain', new Error('disk full')),
        failing('odd', 42),
      ),
      context(),
    )
    expect(runs.map((r) => r.result)).toEqual([
      { toolCallId: 'c1', toolName: 'nope', result: "Unknown tool 'nope'.", isError: true },
      {
        toolCallId: 'c2',
        toolName: 'add',
        result:
          "Invalid arguments for tool 'add': a: Invalid input: expected number, received string; " +
          'b: Invalid input: expected number, received string',
        isError: true,
      },
      { toolCallId: 'c3', toolName: 'checks', result: 'Argument q must be a string.', isError: true },
      { toolCallId: 'c4', toolName: 'typed', result: "Tool 'typed' failed: not configured", isError: true },
      { toolCallId: 'c5', toolName: 'plain', result: "Tool 'plain' failed: disk full", isError: true },
      { toolCallId: 'c6', toolName: 'odd', result: "Tool 'odd' failed: 42", isError: true },
    ])
  })

  it('treats a known tool without execute as unknown', async () => {
    const [run] = await runTools(
      [{ id: 'c1', name: 'ask', args: {} }],
      tools({ name: 'ask', parameters: {} }),
      context(),
    )
    expect(run!.result).toEqual({
      toolCallId: 'c1',
      toolName: 'ask',
      result: "Unknown tool 'ask'.",
      isError: true,
    })
  })

  it("runs each call through a plugin's around.tool", async () => {
    const wrapped: string[] = []
    const runs = await runTools([{ id: 'c1', name: 'add', args: { a: 2, b: 3 } }], tools(add), context(), {
      tool: async (call, run) => {
        wrapped.push(call.id)
        const result = await run()
        return { ...result, result: `wrapped ${String(result.result)}` }
      },
    })
    expect(wrapped).toEqual(['c1'])
    expect(runs[0]!.result.result).toBe('wrapped 5')
  })

  it('ends with an AbortedError when the signal aborts, before or while tools run', async () => {
    const aborted = new AbortController()
    aborted.abort(new Error('gone'))
    const before = runTools([{ id: 'c1', name: 'add', args: { a: 1 } }], tools(add), context(aborted.signal))
    await expect(before).rejects.toSatisfy(
      (e) =>
        AbortedError.is(e) &&
        (e as Error).message === 'The call was aborted while its tools ran.' &&
        ((e as Error).cause as Error).message === 'gone',
    )

    const controller = new AbortController()
    const slow: Tool = {
      name: 'slow',
      parameters: {},
      execute: (_args, ctx) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
    }
    const during = runTools([{ id: 'c1', name: 'slow', args: {} }], tools(slow), context(controller.signal))
    controller.abort(new Error('stop'))
    await expect(during).rejects.toSatisfy((e) => AbortedError.is(e))
  })
})

describe('toolResultPart', () => {
  it('marks only an error result as an error', () => {
    expect(toolResultPart({ toolCallId: 'c1', toolName: 'add', result: 3, isError: false })).toEqual({
      type: 'tool-result',
      toolCallId: 'c1',
      toolName: 'add',
      result: 3,
    })
    expect(
      Object.keys(toolResultPart({ toolCallId: 'c1', toolName: 'add', result: 3, isError: false })),
    ).not.toContain('isError')
    expect(toolResultPart({ toolCallId: 'c2', toolName: 'add', result: 'bad', isError: true })).toEqual({
      type: 'tool-result',
      toolCallId: 'c2',
      toolName: 'add',
      result: 'bad',
      isError: true,
    })
  })
})

describe('runnable', () => {
  it('runs a tool with execute, leaves one without to the caller, and answers an unknown name itself', () => {
    expect(runnable(tools(add), { id: 'c1', name: 'add', args: {} })).toBe(true)
    expect(runnable(tools({ name: 'ask', parameters: {} }), { id: 'c1', name: 'ask', args: {} })).toBe(false)
    expect(runnable(tools(add), { id: 'c1', name: 'nope', args: {} })).toBe(true)
    // Without any tool the call cannot be answered here: it goes back to the caller.
    expect(runnable(new Map(), { id: 'c1', name: 'nope', args: {} })).toBe(false)
  })
})

it('leaves nothing unhandled when the call was aborted before its tools ran and a tool throws on the signal', async () => {
  const controller = new AbortController()
  controller.abort()
  const tool = {
    name: 't',
    parameters: {},
    execute: (_args: unknown, ctx: { signal: AbortSignal }) => ctx.signal.throwIfAborted(),
  }
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    const run = runTools([{ id: 'c1', name: 't', args: {} }], new Map([['t', tool]]), {
      requestId: 'r',
      scope: {},
      signal: controller.signal,
    })
    await expect(run).rejects.toSatisfy((error) => AbortedError.is(error))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
