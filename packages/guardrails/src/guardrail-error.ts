import { type AimuxError, type AimuxErrorOptions, ContentFilterError } from '@aimux/ai-core'

const marker = Symbol.for('aimux.guardrail-error')

/** Which guardrail refused a request. */
export type GuardrailRule = 'redact' | 'denied-word' | 'max-prompt'

/**
 * A request refused by the guardrails before anything was sent. A ContentFilterError (code
 * 'content-filter', not retryable, no fallback), with the rule that refused it and, for sensitive
 * data, the detector that found it. Its message names the rule and detector, never the data.
 */
export class GuardrailError extends ContentFilterError {
  readonly [marker] = true
  readonly rule: GuardrailRule
  /** The detector whose action is 'refuse' ('email', 'card', a custom pattern's name), for rule 'redact'. */
  readonly detector: string | undefined

  constructor(
    message: string,
    details: { rule: GuardrailRule; detector?: string },
    options: AimuxErrorOptions = {},
  ) {
    super(message, options)
    this.name = 'GuardrailError'
    this.rule = details.rule
    this.detector = details.detector
  }

  /** True for a GuardrailError, whichever copy of the package created it. */
  static override is<T extends abstract new (...args: never[]) => AimuxError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    return ContentFilterError.is(value) && (value as unknown as Record<symbol, unknown>)[marker] === true
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), rule: this.rule, detector: this.detector }
  }
}
