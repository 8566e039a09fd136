import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A program running in a real terminal: tmux's pseudo-terminal, driven by keys, read as a screen. */
export interface Terminal {
  /** Keys as tmux names them: text, 'Enter', 'Tab', 'C-c'. */
  send(...keys: string[]): Promise<void>
  /** Text typed as it is (no key names), without Enter. */
  type(text: string): Promise<void>
  /**
   * What the terminal shows, scrollback included, each line without its trailing spaces (an empty
   * prompt is ">"); `escapes` keeps the colour codes.
   */
  screen(options?: { escapes?: boolean }): Promise<string>
  /** Polls the screen until `check` holds, and returns it; fails with the last screen after `timeoutMs`. */
  waitFor(check: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>
  close(): Promise<void>
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`

/**
 * Starts `argv` in a new tmux server of its own, in a window `width` columns wide. When the program
 * exits, "[exited <code>]" is printed and the window stays, so its last screen can be read.
 */
export async function startTerminal(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string>; width?: number; height?: number },
): Promise<Terminal> {
  const socket = `aimux-cli-test-${randomUUID().slice(0, 8)}`
  const tmux = async (...args: string[]) => {
    try {
      return await run('tmux', ['-L', socket, ...args])
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      throw new Error(
        'tmux is not installed: the terminal tests drive the CLI through it (apt-get install tmux)',
      )
    }
  }
  const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`])
  const script = `unset FORCE_COLOR NODE_PATH; ${argv.map(quote).join(' ')}; echo "[exited $?]"; sleep 3600`
  await tmux(
    'new-session',
    '-d',
    '-s',
    'cli',
    '-x',
    String(options.width ?? 120),
    '-y',
    String(options.height ?? 50),
    '-c',
    options.cwd,
    ...env,
    'sh',
    '-c',
    script,
  )
  await tmux('set-option', '-t', 'cli', 'history-limit', '5000')
  const screen = async ({ escapes = false } = {}) =>
    (
      await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'cli', ...(escapes ? ['-e'] : []))
    ).stdout.trimEnd()
  return {
    async send(...keys) {
      await tmux('send-keys', '-t', 'cli', ...keys)
    },
    async type(text) {
      await tmux('send-keys', '-t', 'cli', '-l', text)
    },
    screen,
    async waitFor(check, timeoutMs = 20_000) {
      const holds =
        typeof check === 'function'
          ? check
          : typeof check === 'string'
            ? (s: string) => s.includes(check)
            : (s: string) => check.test(s)
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const shown = await screen()
        if (holds(shown)) return shown
        if (Date.now() > deadline)
          throw new Error(`The terminal never showed ${String(check)}. It shows:\n${shown}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    async close() {
      await tmux('kill-server').catch(() => {})
    },
  }
}
