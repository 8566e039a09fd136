import password from '@inquirer/password'
import { readStdin } from './read-input.js'
import { UsageError } from './usage-error.js'

/**
 * A secret, never from argv (which `ps` shows to every user of the machine): piped into standard
 * input, or typed at a prompt that echoes nothing. The prompt is drawn on standard error, so that
 * standard output carries only the result.
 */
export async function readSecret(message: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const secret = (await readStdin()).trim()
    if (secret === '')
      throw new UsageError('no key on standard input: pipe it in, or run this in a terminal to type it')
    return secret
  }
  try {
    const typed = await password(
      { message, validate: (value) => value.trim() !== '' || 'The key must not be empty.' },
      { output: process.stderr },
    )
    return typed.trim()
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError')
      throw new Error('cancelled: no key was added')
    throw error
  }
}
