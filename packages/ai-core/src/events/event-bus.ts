import { EventEmitter } from 'eventemitter3'
import type { BackgroundWork } from './background-work.js'
import type { AimuxEventName, AimuxEvents, AimuxListener } from './events.js'

/**
 * Typed events on eventemitter3. Listeners run as background work: a slow listener never delays
 * a call, and a throwing one never breaks it (its error is reported as 'background:error').
 */
export interface EventBus {
  /** Subscribes; the returned function unsubscribes exactly this subscription. */
  on<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
  once<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
  /** Removes one subscription of `listener` to `event`. */
  off<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): void
  emit<E extends AimuxEventName>(event: E, payload: AimuxEvents[E]): void
  listenerCount(event: AimuxEventName): number
}

export function createEventBus(work: BackgroundWork): EventBus {
  const emitter = new EventEmitter()
  // Each subscription has its own wrapper; off() finds one by event and listener.
  const subscriptions: { event: string; listener: unknown; wrapper: (payload: unknown) => void }[] = []
  const remove = (wrapper: (payload: unknown) => void) => {
    const at = subscriptions.findIndex((s) => s.wrapper === wrapper)
    if (at >= 0) {
      const [subscription] = subscriptions.splice(at, 1)
      emitter.off(subscription!.event, wrapper)
    }
  }
  const subscribe = (event: string, listener: (payload: never) => unknown, once: boolean) => {
    const wrapper = (payload: unknown) => {
      if (once) remove(wrapper)
      work.run(`listener for '${event}'`, () => listener(payload as never))
    }
    subscriptions.push({ event, listener, wrapper })
    emitter.on(event, wrapper)
    return () => remove(wrapper)
  }
  return {
    on: (event, listener) => subscribe(event, listener, false),
    once: (event, listener) => subscribe(event, listener, true),
    off(event, listener) {
      const found = subscriptions.findLast((s) => s.event === event && s.listener === listener)
      if (found) remove(found.wrapper)
    },
    emit(event, payload) {
      emitter.emit(event, payload)
    },
    listenerCount: (event) => emitter.listenerCount(event),
  }
}
