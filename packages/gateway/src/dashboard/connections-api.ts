import type { AI, ConnectionHealth, ConnectionRecord } from '@aimux/ai-core'

/**
 * What the dashboard uses of `ai.connections`, which the rotation plugin (@aimux/ai-rotation)
 * adds to an instance. Described here by its shape, so that the gateway does not depend on the
 * plugin: an instance without it has no Connections page to manage.
 */
export interface DashboardConnections {
  add(
    connection: {
      provider: string
      name?: string
      priority?: number
      credentials: { apiKey: string; baseURL?: string }
    },
    options?: { actor?: string },
  ): Promise<{ id: string }>
  list(): Promise<
    (Omit<ConnectionRecord, 'ciphertext'> & { source: string; usable: boolean; problem?: string })[]
  >
  health(): Promise<(ConnectionHealth & { coolingDown: boolean })[]>
  retire(id: string, options?: { actor?: string }): Promise<unknown>
  disable(id: string, reason?: string, options?: { actor?: string }): Promise<unknown>
  enable(id: string, options?: { actor?: string }): Promise<unknown>
}

/** The instance's connections API, or undefined without the rotation plugin. */
export function connectionsOf(ai: AI): DashboardConnections | undefined {
  const api = (ai as AI & { connections?: unknown }).connections
  return typeof api === 'object' && api !== null && typeof (api as DashboardConnections).health === 'function'
    ? (api as DashboardConnections)
    : undefined
}
