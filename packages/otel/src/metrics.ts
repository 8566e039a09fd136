import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api'

// Bucket boundaries the GenAI conventions recommend for each instrument.
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]
const SECOND_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]

/** The instruments one plugin records into. */
export interface Instruments {
  /** `gen_ai.client.token.usage`: input and output tokens of each model call. */
  tokens: Histogram
  /** `gen_ai.client.operation.duration`: seconds per model call attempt, failed ones included. */
  duration: Histogram
  /** `gen_ai.client.operation.time_to_first_chunk`: seconds until a stream's first part. */
  firstChunk: Histogram
  /** `aimux.client.cost`: USD spent, per provider and model. */
  cost: Counter
}

export function createInstruments(meter: Meter): Instruments {
  return {
    tokens: meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    duration: meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    }),
    firstChunk: meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
      description: 'Time to receive the first chunk of a streamed response.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    }),
    cost: meter.createCounter('aimux.client.cost', {
      description: 'Cost of model calls in USD, from the price catalog or the provider.',
      unit: 'USD',
    }),
  }
}

/** Records a model call's input and output tokens. */
export function recordTokens(
  instruments: Instruments,
  input: number,
  output: number,
  attributes: Attributes,
) {
  instruments.tokens.record(input, { ...attributes, 'gen_ai.token.type': 'input' })
  instruments.tokens.record(output, { ...attributes, 'gen_ai.token.type': 'output' })
}
