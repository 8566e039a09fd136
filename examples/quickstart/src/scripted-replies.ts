import type { ScriptedTurn } from '@aimux/ai-testing'

/** What the local fake server answers when no API key is set: the demo's three calls. */
export const scriptedReplies: ScriptedTurn[] = [
  {
    text: 'Start in Alfama at dawn: walk up to the Miradouro de Santa Luzia, then ride tram 28 through Graça and Baixa.',
    usage: { inputTokens: 41, outputTokens: 29 },
    delayMs: 250,
  },
  // gpt-4o-mini fails twice (its two attempts), so the fallback model answers the second question.
  { error: { status: 503, message: 'The server is overloaded' } },
  { error: { status: 503, message: 'The server is overloaded' } },
  {
    text: 'Have a pastel de nata at Manteigaria, then grilled sardines or bacalhau à Brás for lunch in a tasca.',
    usage: { inputTokens: 96, cachedInputTokens: 0, outputTokens: 27 },
    delayMs: 300,
  },
  {
    chunks: [
      'Yellow ',
      'trams ',
      'climb ',
      'the ',
      'seven ',
      'hills,\n',
      'Bells ',
      'ring ',
      'out ',
      'on ',
      'cobbled ',
      'sills,\n',
      'Rattling ',
      'past ',
      'the ',
      'azulejo ',
      'walls,\n',
      'Down ',
      'to ',
      'where ',
      'the ',
      'river ',
      'calls.',
    ],
    usage: { inputTokens: 142, outputTokens: 31 },
    chunkDelayMs: 60,
  },
]
