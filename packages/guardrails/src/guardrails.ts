import {
  definePlugin,
  type Message,
  type Middleware,
  type Plugin,
  type PluginHost,
  type Scope,
} from '@aimux/ai-core'
import { type Block, createBlockRules } from './block-rules.js'
import { GuardrailError } from './guardrail-error.js'
import type { GuardrailsBlockedEvent } from './guardrail-events.js'
import { type GuardrailsOptions, parseGuardrailsOptions } from './guardrails-options.js'
import { createPlaceholderVault, type PlaceholderVault } from './placeholder-vault.js'
import { redactMessages } from './redact-messages.js'
import { createRedactor, type DetectorCounts } from './redactor.js'
import { restoreResult, restoreStream } from './restore-answer.js'

/** One request's state: its placeholders, and the steps whose redactions were announced. */
interface RequestState {
  vault: PlaceholderVault
  announced: Set<number>
  /** Adds to a count on the request's usage record. */
  count(name: string, by?: number): void
}

const DETECTOR_WORDS: Record<string, string> = {
  email: 'an email address',
  phone: 'a phone number',
  card: 'a card number',
  iban: 'an IBAN',
  apiKey: 'an API key',
}

function refusal(block: Block | { rule: 'redact'; detector: string }, requestId: string): GuardrailError {
  const options = { requestId }
  if (block.rule === 'redact') {
    const what = DETECTOR_WORDS[block.detector] ?? `a match of pattern '${block.detector}'`
    return new GuardrailError(
      `Refused by guardrails: the prompt contains ${what} (detector '${block.detector}'); nothing was sent.`,
      { rule: 'redact', detector: block.detector },
      options,
    )
  }
  if (block.rule === 'denied-word')
    return new GuardrailError(
      'Refused by guardrails: the prompt contains a denied word or topic; nothing was sent.',
      { rule: 'denied-word' },
      options,
    )
  const whose = block.limit === 'all' ? 'the' : `the ${block.limit}'s`
  return new GuardrailError(
    `Refused by guardrails: the prompt is ${block.size} ${block.unit}, over ${whose} limit of ${block.max}; nothing was sent.`,
    { rule: 'max-prompt' },
    options,
  )
}

/**
 * Guardrails around every chat request: sensitive data in the prompt is masked, replaced by
 * placeholders that are put back in the answer (streamed too), or refused; denied words and
 * oversized prompts are refused. Each redaction and refusal is an event with counts, never the data.
 *
 * @example
 * const ai = await createAI({
 *   plugins: [openai(), guardrails({ redact: { email: 'placeholder', card: 'refuse' } })],
 * })
 */
export function guardrails(options: GuardrailsOptions = {}): Plugin {
  const parsed = parseGuardrailsOptions(options)
  const redactor = createRedactor(parsed.redact)
  const rules = createBlockRules(parsed.block)
  const requests = new Map<string, RequestState>()

  const setup = (host: PluginHost) => {
    /** Checks a prompt; refuses it (an event, then the error) when a rule or a refusing detector says so. */
    const check = (
      messages: readonly Message[],
      where: { requestId: string; scope: Scope; step: number },
      state: RequestState,
    ) => {
      const redaction = redactor.empty ? undefined : redactMessages(messages, redactor, state.vault)
      let block: Block | { rule: 'redact'; detector: string; counts: DetectorCounts } | undefined
      if (redaction?.refusedBy)
        block = { rule: 'redact', detector: redaction.refusedBy, counts: redaction.counts }
      else block = rules.empty ? undefined : rules.check(messages, where.scope)
      if (block) {
        const counted = block.rule === 'redact' ? `redact.${block.detector}` : block.rule
        state.count(`guardrails.blocked.${counted}`)
        host.emit('guardrails:blocked', { ...where, ...block } as GuardrailsBlockedEvent)
        throw refusal(block, where.requestId)
      }
      return redaction
    }

    // Before routing, budgets and the first model call: a refusal here sends nothing at all.
    host.onRequest(({ requestId, scope, messages, count }) => {
      const state: RequestState = { vault: createPlaceholderVault(), announced: new Set(), count }
      check(messages, { requestId, scope, step: 1 }, state)
      requests.set(requestId, state)
      return { around: { end: () => requests.delete(requestId) } }
    })

    // Each model call (every step of the tool loop, every attempt): what is sent is redacted, what
    // comes back restored.
    const middleware: Middleware = async (call, next) => {
      if (call.mode === 'embed') return next()
      const { ctx } = call
      const state = requests.get(ctx.requestId) ?? {
        vault: createPlaceholderVault(),
        announced: new Set(),
        count: () => {},
      }
      const redaction = check(
        call.request.messages,
        { requestId: ctx.requestId, scope: ctx.scope, step: ctx.step },
        state,
      )
      if (!redaction) return next()
      if (Object.keys(redaction.counts).length > 0 && !state.announced.has(ctx.step)) {
        state.announced.add(ctx.step)
        for (const [detector, n] of Object.entries(redaction.counts))
          state.count(`guardrails.redacted.${detector}`, n)
        host.emit('guardrails:redacted', {
          requestId: ctx.requestId,
          scope: ctx.scope,
          step: ctx.step,
          counts: redaction.counts,
        })
      }
      const response = await next({ ...call, request: { ...call.request, messages: redaction.messages } })
      if (state.vault.tokens.length === 0) return response
      if (response.mode === 'generate')
        return { ...response, result: restoreResult(response.result, state.vault) }
      if (response.mode === 'stream')
        return { mode: 'stream', stream: restoreStream(response.stream, state.vault) }
      return response
    }
    host.use(middleware)
  }

  return definePlugin({
    name: 'guardrails',
    setup,
    dispose() {
      requests.clear()
    },
  })
}
