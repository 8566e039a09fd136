import { type AI, type AnyTool, type Message, type RequestHookInput, textOfParts } from '@aimux/ai-core'

/** The thinking step: a server such as sequential-thinking, run with the model before the request's own call. */
export interface ThinkingOptions {
  /** The configured server to think with, e.g. 'thinking'. */
  server: string
  /** Its tool; default the server's only tool. */
  tool?: string
  /** The model that thinks; default the request's own. */
  model?: string
  /** Model calls the step may make, the last one its conclusion. Default 10. */
  maxSteps?: number
  /** The system prompt of the step; the default asks for one tool call per thought, then a conclusion. */
  instructions?: string
}

const defaultInstructions = (tool: string) =>
  `Think the user's latest request through before it is answered. Call the ${tool} tool once per thought, ` +
  'revising or branching when needed, until no further thought is needed. Then reply with a short ' +
  'conclusion for whoever answers the request; do not answer it yourself.'

/**
 * Runs the thinking step for a request: a separate request (`ai.chat`, with the same scope and
 * signal, its cost recorded as its own) in which the model calls the thinking tool thought by
 * thought. Returns the thoughts and the conclusion as context for the request's own model call, or
 * undefined when the model produced neither.
 */
export async function runThinkingStep(
  ai: AI,
  tool: AnyTool,
  input: RequestHookInput,
  options: ThinkingOptions,
): Promise<string | undefined> {
  const model = options.model ?? input.request.model
  const result = await ai.chat({
    ...(model ? { model } : {}),
    system: options.instructions ?? defaultInstructions(tool.name),
    messages: textOnly(input.messages),
    tools: [tool],
    maxSteps: options.maxSteps ?? 10,
    scope: input.scope,
    signal: input.signal,
    metadata: { mcpThinkingFor: input.requestId },
    mcp: [],
    mcpThinking: false,
  })
  const thoughts = result.steps.flatMap((step) =>
    step.toolCalls
      .filter((call) => call.name === tool.name)
      .map((call) => (call.args as { thought?: unknown } | undefined)?.thought)
      .filter((thought): thought is string => typeof thought === 'string' && thought.trim() !== ''),
  )
  const conclusion = result.text.trim()
  if (thoughts.length === 0 && !conclusion) return undefined
  return [
    'This request was thought through step by step before this answer:',
    ...thoughts.map((thought, index) => `${index + 1}. ${thought}`),
    ...(conclusion ? [`Conclusion: ${conclusion}`] : []),
  ].join('\n')
}

/** The conversation so far without tool calls and results: the step offers only its own tool. */
function textOnly(messages: readonly Message[]): Message[] {
  return messages.flatMap((message): Message[] => {
    if (message.role === 'tool') return []
    if (message.role !== 'assistant' || typeof message.content === 'string') return [message]
    const text = textOfParts(message.content)
    return text ? [{ role: 'assistant', content: text }] : []
  })
}
