/** Whether `error` is PostgreSQL's error with this SQLSTATE, e.g. 23505 for a unique violation. */
export function hasSqlState(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}

export const UNIQUE_VIOLATION = '23505'
