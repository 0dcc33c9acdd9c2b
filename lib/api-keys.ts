import { createHash, randomBytes } from 'node:crypto';
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

/** The key's identity when it exists and is not revoked; undefined otherwise (malformed keys never reach the database). */
export async function verifyApiKey(pool: pg.Pool, key: string): Promise<ApiKeyIdentity | undefined> {
  if (!keyPattern.test(key)) return undefined;
  const { rows } = await pool.query<{ id: string; name: string; roles: ApiKeyRole[] }>(
    'SELECT id, name, roles FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  const row = rows[0];
  return row ? { id: Number(row.id), name: row.name, roles: row.roles } : undefined;
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

/**
 * Verifies keys through a short-lived cache, so a device sending many requests per second
 * costs one database query per TTL; a revoked key stops working within the TTL.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { identity: ApiKeyIdentity | undefined; expires: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(key: string): Promise<ApiKeyIdentity | undefined> {
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.identity;
    const identity = await verifyApiKey(this.pool, key);
    // unknown keys are cached too, so a client hammering with a wrong key cannot load the database
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, { identity, expires: now + this.ttlMs });
    return identity;
  }
}
