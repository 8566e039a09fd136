export type {
  ConnectionCredentials,
  ConnectionInput,
  ConnectionLimits,
  ConnectionPatch,
} from './connection-config.js'
export type {
  ActorOption,
  ConnectionHealthReport,
  ConnectionInfo,
  ConnectionTestResult,
  NewConnection,
} from './connection-info.js'
export type { ConnectionsApi } from './connections-api.js'
export { MASTER_KEY_ENV, type MasterKeyInput } from './master-keys.js'
export { type RotationOptions, rotation } from './rotation.js'
export type {
  ConnectionCooldownEvent,
  ConnectionDisabledEvent,
  ConnectionSelectedEvent,
} from './rotation-events.js'
