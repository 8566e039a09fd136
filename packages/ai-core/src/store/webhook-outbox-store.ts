// The webhook outbox port: one row per event and endpoint, written when the event happens and
// delivered later by whichever instance on the same store claims it, so a crash loses no delivery.

/** 'pending' until delivered; 'dead' once its attempts ran out (or it was given up on). */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead'

/**
 * One delivery as stored. Every field round-trips through every store: an absent optional field
 * stays absent, times keep their milliseconds, `body` comes back byte for byte.
 */
export interface WebhookDelivery {
  /** The delivery's id, the receiver's idempotency key: the same on every attempt. */
  id: string
  /** The configured endpoint it goes to (its id, never its secret). */
  endpointId: string
  /** The event's name ('budget:threshold', 'error', ...). */
  event: string
  /** The JSON body POSTed, exactly as signed. */
  body: string
  status: WebhookDeliveryStatus
  /** Attempts made so far. */
  attempts: number
  createdAt: Date
  /** When it may be attempted next (while pending). */
  nextAttemptAt: Date
  /** The instance that claimed it, until its lease ends. */
  leaseOwner?: string
  /** A claim counts until then; after it, the delivery can be claimed again. */
  leaseUntil?: Date
  deliveredAt?: Date
  /** Why the last attempt failed, as a short summary (never a secret). */
  lastError?: string
  /** The HTTP status of the last attempt that got an answer. */
  lastStatus?: number
}

export interface WebhookClaim {
  /** Deliveries due at or before `now`, whose lease (if any) has ended by then. */
  now: Date
  /** At most this many. */
  limit: number
  /** Only deliveries to these endpoints (those this instance knows the secret of). */
  endpointIds: readonly string[]
  /** Who claims them, and until when the claim counts. */
  owner: string
  leaseUntil: Date
}

/** The outcome of one attempt by the lease's owner. */
export interface WebhookAttempt {
  owner: string
  at: Date
  /** The HTTP status, when the receiver answered. */
  status?: number
}

export interface WebhookFailure extends WebhookAttempt {
  error: string
  /** When to try again; without it the delivery is dead. */
  retryAt?: Date
}

export interface WebhookDeliveryQuery {
  status?: WebhookDeliveryStatus
  endpointId?: string
  event?: string
  /** At most this many, newest first. */
  limit?: number
}

export interface WebhookOutboxStore {
  /** Adds deliveries, all or none; an id stored already is left as it is. */
  enqueue(deliveries: readonly WebhookDelivery[]): Promise<void>
  /**
   * Claims due pending deliveries for `owner` until `leaseUntil`, oldest due first (then by
   * createdAt, then id). Two claims at once, from any instances on the store, get disjoint rows;
   * a delivered or dead one is never claimed. Returns them as claimed.
   */
  claimDue(claim: WebhookClaim): Promise<WebhookDelivery[]>
  /**
   * Records a successful attempt: delivered, one more attempt, the lease released. Only the
   * lease's owner can: false when `owner` no longer holds it (it expired and was claimed again).
   */
  markDelivered(id: string, attempt: WebhookAttempt): Promise<boolean>
  /**
   * Records a failed attempt: one more attempt, its error and status, the lease released; pending
   * again from `retryAt`, or dead without it. False when `owner` does not hold the lease.
   */
  markFailed(id: string, failure: WebhookFailure): Promise<boolean>
  get(id: string): Promise<WebhookDelivery | undefined>
  /** Deliveries newest first (by createdAt, then id, highest first), filtered as asked. */
  list(query?: WebhookDeliveryQuery): Promise<WebhookDelivery[]>
  /** Makes a dead delivery pending again from `at`, its attempts back to 0; false when it is not dead. */
  requeue(id: string, at: Date): Promise<boolean>
}
