/**
 * One error taxonomy for every component. The disposition is decided where the
 * error is raised (or classified once at the edge) and tells the runner what to do:
 * - retriable: back off and try again, never drop;
 * - poison: this input can never succeed, send it to the DLQ and go on;
 * - fatal: misconfiguration or a programming error, stop with a message that says what to fix.
 */

export type Disposition = 'retriable' | 'poison' | 'fatal';

/** Codes are `ING_<AREA>_<WHAT>`; the table below is the single place a code gets its disposition. */
export const errorCodes = {
  ING_CONFIG_INVALID: 'fatal',
  ING_STACK_PORT_TAKEN: 'fatal',
  ING_STACK_INSTALL_FAILED: 'fatal',
  ING_STACK_START_FAILED: 'fatal',
  ING_STACK_NOT_READY: 'retriable',
  ING_KAFKA_UNAVAILABLE: 'retriable',
  ING_KAFKA_REJECTED: 'fatal',
  ING_BACKPRESSURE: 'retriable',
  ING_DB_UNAVAILABLE: 'retriable',
  ING_DB_REJECTED: 'poison',
  ING_DB_MISCONFIGURED: 'fatal',
  ING_NETWORK: 'retriable',
  ING_TIMEOUT: 'retriable',
  ING_SERDE_INVALID: 'poison',
  ING_SERDE_UNKNOWN_SCHEMA: 'poison',
  ING_VALIDATION_FAILED: 'poison',
  ING_FETCH_THROTTLED: 'retriable',
  ING_FETCH_UPSTREAM: 'retriable',
  ING_FETCH_REJECTED: 'fatal',
  ING_FETCH_CIRCUIT_OPEN: 'fatal',
  ING_PRICING_PAGE_INVALID: 'poison',
  ING_PROGRAMMING: 'fatal',
  ING_PROCESS_EXITED: 'retriable',
  ING_UNCLASSIFIED: 'retriable',
} as const satisfies Record<string, Disposition>;

export type ErrorCode = keyof typeof errorCodes;

/** Where in Kafka the failing message came from, carried into logs and DLQ headers. */
export interface KafkaCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

export interface SluiceErrorOptions {
  cause?: unknown;
  coordinates?: KafkaCoordinates;
  /** Overrides the code's default disposition when the raiser knows better. */
  disposition?: Disposition;
  details?: Record<string, unknown>;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly disposition: Disposition;
  readonly coordinates?: KafkaCoordinates;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.disposition = options.disposition ?? errorCodes[code];
    this.coordinates = options.coordinates;
    this.details = options.details;
  }

  get retriable(): boolean {
    return this.disposition === 'retriable';
  }
}

/** Node system error codes that mean "the other side is not there (yet)". */
const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * PostgreSQL SQLSTATE classes (first two characters): connection problems and
 * resource exhaustion are retriable, data errors are poison. Anything else is left to the caller.
 */
const pgSqlStateClasses: Record<string, ErrorCode> = {
  '08': 'ING_DB_UNAVAILABLE', // connection exception
  '53': 'ING_DB_UNAVAILABLE', // insufficient resources
  '57': 'ING_DB_UNAVAILABLE', // operator intervention (admin shutdown, cannot connect now)
  '40': 'ING_DB_UNAVAILABLE', // transaction rollback (serialization failure, deadlock): retry
  '22': 'ING_DB_REJECTED', // data exception
  '23': 'ING_DB_REJECTED', // integrity constraint violation
  '28': 'ING_DB_MISCONFIGURED', // invalid authorization (wrong user or password)
  '3D': 'ING_DB_MISCONFIGURED', // invalid catalog name (database does not exist)
  '42': 'ING_DB_MISCONFIGURED', // syntax error or access rule violation (missing table, no privilege)
};

function systemCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns anything thrown into a SluiceError. Programming errors are never retried;
 * an unknown error is retriable so a caller's retry budget decides, never a silent drop.
 */
export function classifyError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
    return new SluiceError('ING_PROGRAMMING', message, { cause: err });
  }
  const code = systemCode(err);
  if (code && transientSystemCodes.has(code)) {
    return new SluiceError('ING_NETWORK', `${code}: ${message}`, { cause: err });
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const pgCode = pgSqlStateClasses[code.slice(0, 2)];
    if (pgCode) return new SluiceError(pgCode, `${code}: ${message}`, { cause: err });
  }
  const kafkaRetriable = (err as { retriable?: unknown } | null)?.retriable;
  if (err instanceof Error && err.name.startsWith('KafkaJS') && typeof kafkaRetriable === 'boolean') {
    return new SluiceError(kafkaRetriable ? 'ING_KAFKA_UNAVAILABLE' : 'ING_KAFKA_REJECTED', message, {
      cause: err,
    });
  }
  return new SluiceError('ING_UNCLASSIFIED', message, { cause: err });
}

/** One line for an operator: the message and, when useful, the root cause. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/** A URL with its password replaced by `***`, for logs and errors. */
export function maskUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, '$1***@');
}

/**
 * An error reaching a server, said as one line that names the setting and what was tried:
 * `DATABASE_URL: password authentication failed for user "sluice" (postgres://sluice:***@…)`.
 * Classified as the cause is (an outage stays retriable, a refused login stays misconfigured).
 */
export function settingError(setting: string, target: string, err: unknown, code?: ErrorCode): SluiceError {
  if (err instanceof SluiceError && err.message.startsWith(`${setting}: `)) return err;
  const classified = classifyError(err);
  const reason = describeError(err)
    .replace(/^[0-9A-Z]{5}: /, '')
    .replace(/\s+/g, ' ')
    .trim();
  return new SluiceError(code ?? classified.code, `${setting}: ${reason} (tried ${maskUrl(target)})`, {
    cause: err,
    disposition: code ? errorCodes[code] : classified.disposition,
    coordinates: classified.coordinates,
    details: { ...classified.details, setting },
  });
}
