import { EventEmitter } from 'eventemitter3'
import type { BackgroundWork } from './background-work.js'
import type { AimuxEventName, AimuxEvents, AimuxListener } from './events.js'

/**
 * Typed events on eventemitter3. Listeners run as background work: a slow listener never delays
 * a call, and a throwing one never breaks it (its error is reported as 'background:error').
 */
export interface EventBus {
  on<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
  once<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
  off<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): void
  emit<E extends AimuxEventName>(event: E, payload: AimuxEvents[E]): void
}

export function createEventBus(work: BackgroundWork): EventBus {
  const emitter = new EventEmitter()
  const wrappers = new WeakMap<object, (payload: unknown) => void>()
  const wrap = (event: string, listener: (payload: never) => unknown) => {
    const wrapper = (payload: unknown) =>
      work.run(`listener for '${event}'`, () => listener(payload as never))
    wrappers.set(listener, wrapper)
    return wrapper
  }
  const bus: EventBus = {
    on(event, listener) {
      emitter.on(event, wrap(event, listener))
      return () => bus.off(event, listener)
    },
    once(event, listener) {
      emitter.once(event, wrap(event, listener))
      return () => bus.off(event, listener)
    },
    off(event, listener) {
      const wrapper = wrappers.get(listener)
      if (wrapper) emitter.off(event, wrapper)
    },
    emit(event, payload) {
      emitter.emit(event, payload)
    },
  }
  return bus
}
