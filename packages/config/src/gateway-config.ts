import { z } from 'zod'
import { envName } from './env-name.js'
import { DEFAULT_ADMIN_TOKEN_ENV } from './known-packages.js'

/** The `gateway` section: what `aimux-gateway` listens on and how much it accepts. */
export const gatewayConfigSchema = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('The address to listen on; default 127.0.0.1, this machine only.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8787)
      .describe('The port; default 8787. 0 picks a free one.'),
    adminTokenEnv: envName
      .default(DEFAULT_ADMIN_TOKEN_ENV)
      .describe('The environment variable holding the admin token of the dashboard and admin API.'),
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe('The largest request body accepted, in bytes; default 10 MiB.'),
    keyCacheMs: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe(
        'How long a verified virtual key is trusted before the store is asked again, in milliseconds; a key revoked through any instance is refused by all within this time. Default 500.',
      ),
    requestTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("How long one HTTP request may take, in milliseconds; default the core's own timeouts."),
  })
  .prefault({})
