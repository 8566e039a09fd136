export { AIMUX, GEN_AI } from './attributes.js'
export { type OtelOptions, otel } from './otel.js'
