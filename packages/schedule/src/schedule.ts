import { randomUUID } from 'node:crypto'
import { ConfigError, type Plugin } from '@aimux/ai-core'
import { runModelSync } from './model-sync-job.js'
import { runRetention } from './retention-job.js'
import type { ScheduleApi, ScheduleJobName } from './schedule-api.js'
import { systemClock } from './schedule-clock.js'
import { resolveScheduleOptions, type ScheduleOptions } from './schedule-options.js'
import { createScheduler, type ScheduledJob } from './scheduler.js'

/**
 * Scheduled work: `models.sync()` every hour (or as configured) and a retention policy for
 * conversations and usage records, each run once per slot across every instance that shares the
 * store (a claim in the store's job runs decides which). Decorates `ai.schedule`.
 *
 * @example
 * const ai = await createAI({
 *   plugins: [openai(), postgresStore({ connectionString }), schedule({
 *     retention: { conversations: { olderThanDays: 90, action: 'delete' }, usage: { keepRecordsDays: 30 } },
 *   })],
 * })
 */
export function schedule(options: ScheduleOptions = {}): Plugin {
  const settings = resolveScheduleOptions(options)
  const clock = settings.clock ?? systemClock
  const owner = settings.instanceId ?? randomUUID()
  let scheduler: ReturnType<typeof createScheduler> | undefined
  let used = false

  const api: ScheduleApi = {
    runNow(job: ScheduleJobName) {
      if (!scheduler)
        return Promise.reject(new ConfigError('The schedule starts once the instance is ready.'))
      return scheduler.runNow(job)
    },
    status: () => scheduler?.status() ?? {},
    stop: () => scheduler?.stop() ?? Promise.resolve(),
  }

  return {
    name: 'schedule',
    setup(host) {
      if (used) throw new ConfigError('A schedule() plugin serves one instance; call schedule() for each.')
      used = true
      host.decorate('schedule', api)
      host.onReady((ai) => {
        const jobs: ScheduledJob[] = []
        if (settings.modelSync !== false)
          jobs.push({ name: 'models.sync', everyMs: settings.modelSync.everyMs, run: () => runModelSync(ai) })
        const retention = settings.retention
        if (retention)
          jobs.push({
            name: 'retention',
            everyMs: retention.everyMs,
            run: (now) => runRetention(ai.store, retention, now),
          })
        scheduler = createScheduler({
          jobs,
          store: ai.store.jobs,
          clock,
          owner,
          leaseMs: settings.leaseMs,
          onRun: (event) => host.emit('schedule:run', event),
        })
        scheduler.start()
      })
    },
    async dispose() {
      await scheduler?.stop()
    },
  }
}
