import type { ProviderAdapter } from '@aimux/ai-core'
import type { ScriptedTurn } from './scripted-turn.js'

/** What the suite tests: a provider and the script that answers it. */
export interface ConformanceTarget {
  provider: ProviderAdapter
  /** Where replies are scripted: the mock provider itself, or the fake server the provider calls. */
  script: { enqueue(...turns: ScriptedTurn[]): void }
  /** The API key the provider was given; no error message may contain it. */
  apiKey?: string
  close?: () => Promise<void> | void
}

export interface ProviderConformanceOptions {
  /** Names the suite: "provider conformance: <name>". */
  name: string
  /** Called before each test for a fresh provider and script; `close` runs after it. */
  setup: () => Promise<ConformanceTarget>
  /** The model id requested. Default 'test-model'. */
  model?: string
  /** Usage details the provider's API does not report are expected as 0. Default: it reports both. */
  reports?: { cachedInputTokens?: boolean; reasoningTokens?: boolean }
  /** False for a provider that does not support tools: the tool-call tests are left out. Default true. */
  tools?: boolean
  /** How long one stream may take before the suite calls it hung. Default 3000 ms. */
  streamTimeoutMs?: number
  /**
   * True for a wire whose servers may send the last text, or the last piece of a tool call, in
   * the chunk that carries the finish reason, and whose fake server can too (scripted replies'
   * `finishWithLastChunk`): adds the cases that check none of it is lost. Default false.
   */
  finishWithLastChunk?: boolean
  /**
   * Where the provider's `countTokens` gets its counts: 'provider' (a counting endpoint, which
   * the fake server answers) or 'tokenizer' (counted locally). Adds the cases that check a count
   * is a whole number that grows with the prompt, its system prompt and its tools, made without
   * a model call. Default: not checked.
   */
  countsTokens?: 'provider' | 'tokenizer'
  /**
   * For a provider that embeds (`embed`): the embedding model the fake server knows, a vector
   * size it can shorten to (`dimensions`, when it can), and whether the API reports the input
   * tokens. Adds the embedding cases (provider-conformance-embeddings.ts). Default: not checked.
   */
  embeddings?: { model: string; dimensions?: number; reportsUsage: boolean }
}
