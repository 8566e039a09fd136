import type { AI, Scope } from '@aimux/ai-core'
import type { Command } from 'commander'
import { runSession } from '../chat-session.js'
import { examples } from '../examples.js'
import { checkModelRef } from '../model-ref.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { print, printJson } from '../output.js'
import { readStdin, stdinHasData } from '../read-input.js'
import { UsageError } from '../usage-error.js'

interface ChatOptions {
  model?: string
  system?: string
  user?: string
  tenant?: string
  project?: string
  resume?: string
  json?: boolean
}

export function registerChat(program: Command): void {
  const command = program
    .command('chat')
    .summary('talk to a model: a session, or one answer for scripts')
    .description(
      'Talk to a model. Without a question, an interactive session stored as a conversation; with one ' +
        '(or with standard input piped in), only the answer, for scripts.',
    )
    .argument('[question...]', 'ask this, print the answer as it streams in and exit')
    .option('-m, --model <provider:model>', "the model (default: the config's defaultModel)")
    .option('-s, --system <text>', 'a system prompt')
    .option('--user <id>', 'whom the calls are for: usage and budgets count for this user')
    .option('--tenant <id>', 'the tenant the calls are for')
    .option('--project <id>', 'the project the calls are for')
    .option('--resume <conversation>', 'go on with a stored conversation (interactive session)')
    .option('--json', 'with a question: the answer as JSON, with its model, usage and cost')
    .action(async (words: string[], options: ChatOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      if (options.resume && words.length > 0) {
        throw new UsageError('--resume is for an interactive session, not a question')
      }
      const question = options.resume ? undefined : await questionOf(words)
      if (question === undefined && options.json) throw new UsageError('--json needs a question')
      if (question === undefined && !process.stdin.isTTY) {
        throw new UsageError('an interactive session needs a terminal: give a question, or pipe one in')
      }
      if (options.resume && options.system) {
        throw new UsageError('--system starts a new conversation; in a resumed one, type /system <text>')
      }
      await withAI(globals, async (ai, loaded) => {
        const model = options.model === undefined ? undefined : checkModelRef(options.model, ai)
        const scope = scopeOf(options)
        if (question === undefined) {
          return runSession(ai, {
            ...(model ? { model } : {}),
            ...(options.system ? { system: options.system } : {}),
            ...(options.resume ? { resume: options.resume } : {}),
            ...(loaded.config.defaultModel ? { defaultModel: loaded.config.defaultModel } : {}),
            scope,
          })
        }
        await answer(ai, question, { model, system: options.system, scope, json: options.json === true })
      })
    })
  examples(command, [
    ['aimux chat', 'an interactive session; /help lists its commands'],
    ['aimux chat -m anthropic:claude-3-5-haiku-latest', 'a session with another model'],
    ['aimux chat "Name three prime numbers"', 'print only the answer'],
    ['git diff | aimux chat "Review this diff"', 'piped text comes first, then the question'],
    ['aimux chat --json "Hi" | jq .cost', 'the answer with its usage and cost'],
    ['aimux chat --resume 0192f3c4-...', 'go on with a stored conversation'],
  ])
}

/**
 * The question on the command line, after whatever is piped in; piped text alone when no words are
 * given. Undefined when there is neither: an interactive session.
 */
async function questionOf(words: readonly string[]): Promise<string | undefined> {
  const asked = words.join(' ').trim()
  const piped = asked === '' ? !process.stdin.isTTY : stdinHasData()
  const input = piped ? (await readStdin()).trim() : ''
  if (asked === '' && piped && input === '') throw new UsageError('no question: standard input was empty')
  const question = [input, asked].filter(Boolean).join('\n\n')
  return question === '' ? undefined : question
}

function scopeOf(options: ChatOptions): Scope {
  return {
    ...(options.user ? { userId: options.user } : {}),
    ...(options.tenant ? { tenantId: options.tenant } : {}),
    ...(options.project ? { projectId: options.project } : {}),
  }
}

/** One question, its answer streamed to standard output; Ctrl-C stops it (exit code 130). */
async function answer(
  ai: AI,
  question: string,
  options: { model: string | undefined; system: string | undefined; scope: Scope; json: boolean },
): Promise<void> {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  const request = {
    ...(options.model ? { model: options.model } : {}),
    ...(options.system ? { system: options.system } : {}),
    messages: [{ role: 'user' as const, content: question }],
    scope: options.scope,
    signal: controller.signal,
  }
  try {
    if (options.json) {
      const result = await ai.chat(request)
      printJson({
        text: result.text,
        provider: result.provider,
        model: result.model,
        finishReason: result.finishReason,
        usage: result.usage,
        cost: result.cost,
        requestId: result.requestId,
      })
      return
    }
    let last = '\n'
    for await (const part of ai.stream(request)) {
      if (part.type !== 'text-delta') continue
      process.stdout.write(part.text)
      last = part.text.at(-1) ?? last
    }
    if (last !== '\n') print()
  } catch (error) {
    if (!controller.signal.aborted) throw error
    print()
    process.exitCode = 130
  } finally {
    process.off('SIGINT', stop)
  }
}
