import type { Cost } from '../cost/cost.js'
import type { Usage } from '../cost/usage.js'
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

/** What ai.stream() yields. Text arrives as it is generated. */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'tool-result'; toolResult: ToolResult }
  | { type: 'step-finish'; step: StepResult }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; cost: Cost }
