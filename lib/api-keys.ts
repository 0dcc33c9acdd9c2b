import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { SluiceError } from './errors.ts';

/**
 * API keys: created once and shown once, stored only as a SHA-256 hash (keys are 32 random
 * bytes, so a fast hash is enough: there is nothing to brute-force) with a short prefix a
 * person can recognise. The gateway and the API both authenticate through this module.
 */

export const apiKeyRoles = ['ingest', 'read', 'admin'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

const keyPattern = /^sk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyIdentity {
  id: number;
  name: string;
  roles: ApiKeyRole[];
}

export interface CreatedApiKey extends ApiKeyIdentity {
  /** The secret itself: shown to the user once, never stored. */
  key: string;
  prefix: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function parseRoles(text: string): ApiKeyRole[] {
  const roles = text
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  const unknown = roles.filter((role) => !(apiKeyRoles as readonly string[]).includes(role));
  if (roles.length === 0 || unknown.length > 0) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      `roles must be a comma-separated list of ${apiKeyRoles.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  return [...new Set(roles)] as ApiKeyRole[];
}

export async function createApiKey(
  pool: pg.Pool,
  { name, roles }: { name: string; roles: ApiKeyRole[] },
): Promise<CreatedApiKey> {
  if (!name.trim()) throw new SluiceError('ING_CONFIG_INVALID', 'an API key needs a name');
  const prefix = randomBytes(4).toString('hex');
  const key = `sk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const { rows } = await pool.query<{ id: string }>(
    'INSERT INTO api_keys (name, key_prefix, key_hash, roles) VALUES ($1, $2, $3, $4) RETURNING id',
    [name.trim(), prefix, hashApiKey(key), roles],
  );
  return { id: Number(rows[0]?.id), name: name.trim(), roles, key, prefix };
}

interface IdentityRow {
  id: string;
  name: string;
  roles: ApiKeyRole[];
}

const identityOf = (row: IdentityRow): ApiKeyIdentity => ({
  id: Number(row.id),
  name: row.name,
  roles: row.roles,
});

async function identityByHash(pool: pg.Pool, hash: string): Promise<ApiKeyIdentity | undefined> {
  const { rows } = await pool.query<IdentityRow>(
    'SELECT id, name, roles FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  return rows[0] ? identityOf(rows[0]) : undefined;
}

/** The key's identity when it exists and is not revoked; undefined otherwise (malformed keys never reach the database). */
export async function verifyApiKey(pool: pg.Pool, key: string): Promise<ApiKeyIdentity | undefined> {
  return keyPattern.test(key) ? identityByHash(pool, hashApiKey(key)) : undefined;
}

export async function revokeApiKey(pool: pg.Pool, prefix: string): Promise<number> {
  const { rowCount } = await pool.query(
    'UPDATE api_keys SET revoked_at = now() WHERE key_prefix = $1 AND revoked_at IS NULL',
    [prefix],
  );
  return rowCount ?? 0;
}

export interface ApiKeyListing {
  id: number;
  name: string;
  prefix: string;
  roles: ApiKeyRole[];
  createdAt: Date;
  revokedAt: Date | null;
}

export async function listApiKeys(pool: pg.Pool): Promise<ApiKeyListing[]> {
  const { rows } = await pool.query<{
    id: string;
    name: string;
    key_prefix: string;
    roles: ApiKeyRole[];
    created_at: Date;
    revoked_at: Date | null;
  }>('SELECT id, name, key_prefix, roles, created_at, revoked_at FROM api_keys ORDER BY id');
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    prefix: row.key_prefix,
    roles: row.roles,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }));
}

/** How often a failing reload of the key copy is tried again (the copy serves meanwhile). */
const reloadRetryMs = 2_000;
/** How long a request waits for a due reload before the last copy answers it. */
const reloadWaitMs = 1_000;

/**
 * Verifies keys against a copy of every active key held in memory, so a request costs no database
 * query and ingest goes on through a database outage (it needs Kafka only). The copy is reloaded
 * once it is `ttlMs` old: a revoked key stops working within `ttlMs` while the database answers.
 * While it does not, the last copy keeps serving (nobody can revoke meanwhile) and a reload is
 * tried every 2 s. A key created after the last reload is looked up on its own, and keys found
 * nowhere are remembered as unknown for `ttlMs` (at most `maxEntries`), so a client hammering with
 * a wrong key cannot load the database; a key never seen cannot be verified while the database is
 * down (the caller answers 503).
 */
export class ApiKeyVerifier {
  private keys?: Map<string, ApiKeyIdentity>;
  private loadedAt = 0;
  private lastAttempt = 0;
  private reloading?: Promise<void>;
  private readonly unknown = new Map<string, number>();
  /** Since when reloads fail (the last copy answers meanwhile). */
  staleSince?: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    /** Called when reloads start failing (once per outage). */
    private readonly onStale?: (err: unknown) => void,
  ) {}

  async verify(key: string): Promise<ApiKeyIdentity | undefined> {
    if (!keyPattern.test(key)) return undefined;
    const hash = hashApiKey(key);
    const keys = await this.currentKeys();
    const known = keys.get(hash);
    if (known) return known;
    if ((this.unknown.get(hash) ?? 0) > Date.now()) return undefined;
    const identity = await identityByHash(this.pool, hash);
    if (identity) keys.set(hash, identity);
    else {
      if (this.unknown.size >= this.maxEntries) this.unknown.clear();
      this.unknown.set(hash, Date.now() + this.ttlMs);
    }
    return identity;
  }

  /** The copy of the active keys, reloaded when due; the last copy when a reload fails or is slow. */
  private async currentKeys(): Promise<Map<string, ApiKeyIdentity>> {
    const now = Date.now();
    // after a failed reload, the next waits a little: every request must not wait on a database that is away
    const due =
      now - this.loadedAt >= this.ttlMs &&
      (this.staleSince === undefined || now - this.lastAttempt >= reloadRetryMs);
    if (this.keys && !due) return this.keys;
    this.reloading ??= this.reload()
      .catch((err: unknown) => {
        if (this.staleSince === undefined && this.keys) {
          this.staleSince = Date.now();
          this.onStale?.(err);
        }
        throw err;
      })
      .finally(() => {
        this.reloading = undefined;
      });
    if (!this.keys) {
      await this.reloading;
      return this.keys as unknown as Map<string, ApiKeyIdentity>;
    }
    const waited = new AbortController();
    await Promise.race([
      this.reloading.catch(() => {}),
      sleep(reloadWaitMs, undefined, { signal: waited.signal }).catch(() => {}),
    ]);
    waited.abort();
    return this.keys;
  }

  private async reload(): Promise<void> {
    this.lastAttempt = Date.now();
    const { rows } = await this.pool.query<IdentityRow & { key_hash: string }>(
      'SELECT id, name, roles, key_hash FROM api_keys WHERE revoked_at IS NULL',
    );
    this.keys = new Map(rows.map((row) => [row.key_hash, identityOf(row)]));
    this.loadedAt = Date.now();
    this.staleSince = undefined;
    this.unknown.clear();
  }
}
