import type { WebhookDelivery, WebhookDeliveryStatus } from '@aimux/ai-core'

/** A delivery as `ai.webhooks.deliveries()` shows it: the outbox row, without its lease. */
export type WebhookDeliveryView = Omit<WebhookDelivery, 'leaseOwner' | 'leaseUntil'>

export interface WebhookDeliveriesQuery {
  status?: WebhookDeliveryStatus
  /** An endpoint's id. */
  endpoint?: string
  /** An event's name. */
  event?: string
  /** At most this many, newest first; default 100. */
  limit?: number
}

/** `ai.webhooks`: what was delivered, what is waiting, what was dead-lettered. */
export interface WebhooksApi {
  /** Deliveries newest first, filtered as asked. */
  deliveries(query?: WebhookDeliveriesQuery): Promise<WebhookDeliveryView[]>
  /** Makes a dead delivery pending again, due now, with its attempts back to 0; false when it was not dead. */
  retry(id: string): Promise<boolean>
  /**
   * Writes the events seen so far to the outbox, then attempts every delivery due now (by the
   * plugin's clock) until none is left, waiting for attempts already under way. A failed attempt
   * schedules its retry for later; `drain()` does not wait for it.
   */
  drain(): Promise<void>
}

declare module '@aimux/ai-core' {
  interface AI {
    /** Present with the `webhooks()` plugin from @aimux/webhooks. */
    webhooks: WebhooksApi
  }
}
