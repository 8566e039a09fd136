import { z } from 'zod'

/** The name of an environment variable: what a config file holds instead of a secret. */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, e.g. "OPENAI_API_KEY"')

/**
 * A URL that holds no password: one with a password belongs in an environment variable. The
 * message says so without repeating the URL.
 */
export const passwordlessUrl = (envField: string) =>
  z
    .string()
    .refine((url) => URL.canParse(url), 'Invalid URL')
    .refine(
      (url) => !URL.canParse(url) || new URL(url).password === '',
      `holds a password, which would end up in git with this file: put the URL in an environment variable and name it in ${envField}`,
    )
