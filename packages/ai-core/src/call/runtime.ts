import type { PriceCatalog } from '../cost/price-catalog.js'
import type { BackgroundWork } from '../events/background-work.js'
import type { EventBus } from '../events/event-bus.js'
import type { BudgetGuard } from '../middleware/budget-guard.js'
import type { Middleware } from '../middleware/middleware.js'
import type { ModelGroup, Router } from '../middleware/router.js'
import type { RetryPolicy, TimeoutPolicy } from '../spec/policy.js'
import type { Registry } from '../spec/registry.js'
import type { chatRequestSchema } from '../spec/request.js'
import type { InFlight } from './in-flight.js'
import type { RequestHook } from './request-hook.js'
import type { UsageSink } from './usage-sink.js'

/** What a call needs from its instance; `createAI()` builds one per instance. */
export interface Runtime {
  registry: Registry
  /** The chat request schema with the fields plugins added. */
  requestSchema: typeof chatRequestSchema
  /** Plugins' hooks, run before each request's first model call. */
  requestHooks: readonly RequestHook[]
  middleware: readonly Middleware[]
  prices: PriceCatalog
  events: EventBus
  usage: UsageSink
  /** Work after a call that must not delay it: settling budgets. */
  background: BackgroundWork
  budgets: BudgetGuard | undefined
  /** Model groups a request can name as "@name", and the router that orders them. */
  groups: Record<string, ModelGroup>
  /** Names a request may use for "provider:model" or "@group". */
  aliases: Readonly<Record<string, string>>
  router: Router
  /** The instance's retry and timeout settings; a request may override them. */
  retry: RetryPolicy | false
  timeout: TimeoutPolicy
  inFlight: InFlight
  defaultModel: string | undefined
  maxSteps: number
  newId(): string
  /** Throws ClosedError once the instance is closed. */
  ensureOpen(): void
}
