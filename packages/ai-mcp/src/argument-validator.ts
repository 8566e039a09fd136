import { type JsonSchema, ValidationError } from '@aimux/ai-core'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'

const options = { strict: false, allErrors: true, validateFormats: false } as const
/** Used only to check schemas against their meta-schema, which each compiles once. */
const draft7 = new Ajv(options)
const draft2020 = new Ajv2020(options)
/** For the Ajv of one schema, already checked. */
const ownOptions = { ...options, validateSchema: false }
/** Compiled per schema object; null when the schema does not compile (the server then checks alone). */
const compiled = new WeakMap<JsonSchema, ValidateFunction | null>()

/**
 * Draft-07 and older schemas (as most servers still declare) with Ajv's draft-07 validator; else
 * 2020-12, MCP's default. Each schema is compiled by an Ajv of its own, dropped with it: one Ajv
 * keeps every schema it compiled (each listing brings new ones) and refuses a second schema with
 * the same `$id` (as after a restart).
 */
function compile(schema: JsonSchema): ValidateFunction | null {
  const { $schema, ...rest } = schema
  const older = typeof $schema === 'string' && /draft-0[4-7]/.test($schema)
  try {
    if (!(older ? draft7 : draft2020).validateSchema(rest)) return null
    return (older ? new Ajv(ownOptions) : new Ajv2020(ownOptions)).compile(rest)
  } catch {
    return null
  }
}

/**
 * Checks a tool call's arguments against the tool's input schema before anything is sent, with a
 * ValidationError that names each wrong field. A schema Ajv cannot compile is left to the server.
 */
export function checkArguments(toolName: string, schema: JsonSchema, args: unknown): void {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    validate = compile(schema)
    compiled.set(schema, validate)
  }
  if (!validate || validate(args)) return
  const issues = (validate.errors ?? []).map(describe)
  const error = new ValidationError(
    `Invalid arguments for tool '${toolName}': ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  )
  error.issues = issues
  throw error
}

function describe(error: ErrorObject): { path: string; message: string } {
  const params = error.params as { missingProperty?: string; additionalProperty?: string }
  const field =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : undefined
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .concat(field === undefined ? [] : [field])
  const path = segments
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out ? `${out}.${s}` : s), '')
  const message =
    error.keyword === 'required'
      ? 'is required'
      : error.keyword === 'additionalProperties'
        ? 'is not allowed'
        : (error.message ?? 'is invalid')
  return { path: path || '(arguments)', message }
}
