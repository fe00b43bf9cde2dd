/**
 * The database cannot be reached or lost the connection (refused, reset, timed out, shutting down, too many
 * connections, SQLite's file locked past its busy timeout). Whether a write in flight was committed is unknown.
 * An HTTP handler answers 503 and the caller retries; `cause` is the driver's error.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/** A plain INSERT or UPDATE hit a unique key (or primary key) that another row already holds. */
export class UniqueViolationError extends Error {
  override readonly name = 'UniqueViolationError';
  /** The constraint's name where the engine tells it (PostgreSQL), else undefined. */
  readonly constraint: string | undefined;

  constructor(message: string, options: { cause: unknown; constraint?: string | undefined }) {
    super(message, { cause: options.cause });
    this.constraint = options.constraint;
  }
}
