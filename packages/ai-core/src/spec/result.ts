import type { Cost } from '../cost/cost.js'
import type { Usage } from '../cost/usage.js'
import type { DeepPartial } from './deep-partial.js'
import type { AssistantPart } from './message.js'
import type { FinishReason } from './provider.js'
import type { ToolCall } from './tool.js'

export interface ToolResult {
  toolCallId: string
  toolName: string
  result: unknown
  isError: boolean
}

/** One model call; a tool loop has several. */
export interface StepResult {
  step: number
  provider: string
  model: string
  /** The provider's own name for the model that answered, when it differs from `model`. */
  responseModel?: string
  content: AssistantPart[]
  text: string
  toolCalls: ToolCall[]
  toolResults: ToolResult[]
  finishReason: FinishReason
  usage: Usage
  cost: Cost
  latencyMs: number
  raw?: unknown
}

/** The result of ai.chat(), and of ai.stream() once it has finished. Usage and cost cover every step. */
export interface ChatResult<T = unknown> {
  text: string
  /** The last step's reasoning text, when the model reported any. */
  reasoning: string
  content: AssistantPart[]
  toolCalls: ToolCall[]
  finishReason: FinishReason
  usage: Usage
  cost: Cost
  provider: string
  model: string
  requestId: string
  latencyMs: number
  steps: StepResult[]
  /** With `schema`: the validated, typed object. */
  object: T
  raw: unknown
}

/**
 * What ai.stream() yields. Text arrives as it is generated. With `schema`, an 'object-delta'
 * follows each text delta that changed the reply's JSON as far as it has arrived: `object` is
 * that partial JSON (a `DeepPartial<T>`, not yet validated; a number shows once it has ended),
 * and the last one of the final step is the whole reply. `result.object` is the validated one.
 */
export type StreamPart<T = unknown> =
  | { type: 'text-delta'; text: string }
  | { type: 'object-delta'; object: DeepPartial<T> }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'tool-result'; toolResult: ToolResult }
  | { type: 'step-finish'; step: StepResult }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; cost: Cost }
