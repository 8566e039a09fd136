import { Writable } from 'node:stream'

/**
 * The terminal as readline sees it, with a switch to silence it: while an answer streams in,
 * what the user types ahead is kept in readline's line but not echoed through the answer, and it
 * shows again with the next prompt.
 */
export class MutedOutput extends Writable {
  muted = false
  readonly isTTY = true

  constructor(private readonly target: NodeJS.WriteStream) {
    super()
    target.on('resize', () => this.emit('resize'))
  }

  get columns(): number {
    return this.target.columns
  }

  get rows(): number {
    return this.target.rows
  }

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    // Written through at once, never queued: readline's echo and the answer stay in order.
    if (!this.muted) this.target.write(chunk)
    done()
  }
}
