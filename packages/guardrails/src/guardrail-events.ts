import type { Scope } from '@aimux/ai-core'
import type { Block } from './block-rules.js'
import type { DetectorCounts } from './redactor.js'

/** A model call was sent with sensitive data masked or replaced by placeholders. */
export interface GuardrailsRedactedEvent {
  requestId: string
  scope: Scope
  /** The step of the tool loop; one event per step, however many attempts and fallbacks it takes. */
  step: number
  /** How many matches each detector replaced, by detector name: `{ email: 2, card: 1 }`. */
  counts: DetectorCounts
}

/** A request was refused by the guardrails before anything was sent. */
export type GuardrailsBlockedEvent = {
  requestId: string
  scope: Scope
  step: number
} & (
  | {
      rule: 'redact'
      /** The detector whose action is 'refuse'. */
      detector: string
      /** How many matches each detector had in the prompt. */
      counts: DetectorCounts
    }
  | Block
)

declare module '@aimux/ai-core' {
  interface AimuxEvents {
    'guardrails:redacted': GuardrailsRedactedEvent
    'guardrails:blocked': GuardrailsBlockedEvent
  }
}
