import type { AI, WebhookDelivery, WebhookDeliveryStatus } from '@aimux/ai-core'

/** A delivery as the webhooks plugin lists it: the outbox row without its lease. */
export type DashboardDelivery = Omit<WebhookDelivery, 'leaseOwner' | 'leaseUntil'>

export interface DeliveriesFilter {
  status?: WebhookDeliveryStatus
  endpoint?: string
  event?: string
}

/**
 * What the dashboard uses of `ai.webhooks`, which the webhooks plugin (@aimux/webhooks) adds to
 * an instance. Described by its shape, so that the gateway does not depend on the plugin: an
 * instance without it has no Webhooks page.
 */
export interface DashboardWebhooks {
  deliveries(query?: DeliveriesFilter & { limit?: number }): Promise<DashboardDelivery[]>
  retry(id: string): Promise<boolean>
}

/** The instance's webhooks API, or undefined without the webhooks plugin. */
export function webhooksOf(ai: AI): DashboardWebhooks | undefined {
  const api = (ai as unknown as { webhooks?: unknown }).webhooks
  return typeof api === 'object' &&
    api !== null &&
    typeof (api as DashboardWebhooks).deliveries === 'function' &&
    typeof (api as DashboardWebhooks).retry === 'function'
    ? (api as DashboardWebhooks)
    : undefined
}
