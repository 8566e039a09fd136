import type { AI, ModelInfo, ModelPrice } from '@aimux/ai-core'
import { table } from './table.js'

/** A price per million tokens as written in the catalog: "$0.15". */
export function perMillion(usd: number | undefined): string {
  return usd === undefined ? '' : `$${usd}`
}

/** Models with their context window, the prices in force now and what they can do. */
export function modelTable(ai: AI, models: readonly ModelInfo[]): string {
  const rows = models.map((model) => {
    const price: ModelPrice | undefined = ai.models.price(`${model.provider}:${model.id}`)
    const can = Object.entries(model.capabilities)
      .filter(([, yes]) => yes)
      .map(([name]) => name)
    return [
      `${model.provider}:${model.id}`,
      model.contextWindow?.toLocaleString('en-US') ?? '',
      perMillion(price?.input),
      perMillion(price?.output),
      [...can, ...(model.deprecated ? ['deprecated'] : [])].join(' '),
    ]
  })
  return table(
    [
      { header: 'MODEL' },
      { header: 'CONTEXT', align: 'right' },
      { header: 'INPUT/1M', align: 'right' },
      { header: 'OUTPUT/1M', align: 'right' },
      { header: 'CAN' },
    ],
    rows,
  )
}
