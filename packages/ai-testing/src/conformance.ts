// The vitest suites, on their own entry point so that importing the mock provider or the fake
// servers never loads vitest: import from '@aimux/ai-testing/conformance' inside a test file.
export { type FaultMatrixOptions, type FaultMatrixTarget, faultMatrix } from './fault-matrix/fault-matrix.js'
export {
  type ConformanceTarget,
  type ProviderConformanceOptions,
  providerConformance,
} from './provider-conformance.js'
export {
  type ScriptedAnswer,
  type ScriptedBackend,
  type ScriptedEvent,
  type ScriptedSetup,
  ScriptedStreamBreak,
  scriptedBackend,
  scriptedTarget,
} from './scripted-target.js'
export { type SecretScanSuiteOptions, secretScanSuite } from './secret-scan-suite.js'
export { type MakeState, stateConformance } from './state-conformance.js'
export {
  type BudgetAcrossProcessesOptions,
  checkBudgetAcrossProcesses,
} from './store-checks/budget-across-processes.js'
export { type CrashMidWriteOptions, checkCrashMidWrite } from './store-checks/crash-mid-write.js'
export {
  checkReservationsAcrossProcesses,
  type ReservationsAcrossProcessesOptions,
} from './store-checks/reservations-across-processes.js'
export {
  checkReservationsExpireAfterCrash,
  type ReservationsExpireAfterCrashOptions,
} from './store-checks/reservations-expire-after-crash.js'
export {
  checkSecondStoreRefused,
  checkStorePlugin,
  type StorePluginOptions,
} from './store-checks/store-plugin.js'
export {
  dailyUsageQuery,
  dailyUsageRecords,
  usageRecord,
  virtualKey,
} from './store-conformance/fixtures.js'
export { type StoreConformanceOptions, storeConformance } from './store-conformance.js'
