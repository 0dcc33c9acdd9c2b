import { createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { importSPKI, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type pg from 'pg';
import { type ApiKeyRole, ApiKeyVerifier, apiKeyRoles } from '../../lib/api-keys.ts';
import { SluiceError } from '../../lib/errors.ts';
import type { ApiSettings } from '../config.ts';
import { ApiProblem } from './problem.ts';

/**
 * Who is calling: an API key (X-API-Key, or `Authorization: Bearer sk_…`), verified through
 * lib/api-keys like the gateway's, or a JWT bearer token (HS256 with a shared secret and/or
 * RS256 with a public key, issuer and audience checked when configured). Roles: `read` for
 * data, `admin` for changes (and everything `read` may do), `ingest` for the gateway only.
 */

export type Role = ApiKeyRole;

export interface Principal {
  kind: 'api-key' | 'jwt';
  /** Stable id for rate limits and logs: the key's id or the token's subject. */
  subject: string;
  name: string;
  roles: Role[];
}

const minSecretLength = 32;

type JwtSettings = Pick<
  ApiSettings,
  'jwtSecret' | 'jwtPublicKeyFile' | 'jwtIssuer' | 'jwtAudience' | 'jwtRolesClaim' | 'apiKeyCacheMs'
>;

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role) || (role === 'read' && principal.roles.includes('admin'));
}

function unauthenticated(detail: string): ApiProblem {
  return new ApiProblem('unauthenticated', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
}

/** The principal when it has `role`; 401 without credentials, 403 with the wrong role. */
export function requireRole(principal: Principal | undefined, role: Role): Principal {
  if (!principal) {
    throw unauthenticated('send an API key in the X-API-Key header, or a bearer token in Authorization');
  }
  if (!hasRole(principal, role)) {
    throw new ApiProblem(
      'forbidden',
      `${principal.kind === 'api-key' ? 'the API key' : 'the token'} "${principal.name}" has roles ${principal.roles.join(', ') || 'none'}; this needs ${role === 'read' ? 'read or admin' : role}`,
    );
  }
  return principal;
}

function rolesOf(claim: unknown): Role[] {
  const names = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  return apiKeyRoles.filter((role) => names.includes(role));
}

export class Authenticator {
  private readonly verifier: ApiKeyVerifier;
  private readonly hmacKey?: KeyObject;
  private rsaKey?: CryptoKey;
  private readonly algorithms: string[] = [];

  constructor(
    pool: pg.Pool,
    private readonly settings: JwtSettings,
  ) {
    this.verifier = new ApiKeyVerifier(pool, settings.apiKeyCacheMs);
    if (settings.jwtSecret) {
      if (settings.jwtSecret.length < minSecretLength) {
        throw new SluiceError(
          'ING_CONFIG_INVALID',
          `API_JWT_SECRET is ${settings.jwtSecret.length} characters; HS256 needs at least ${minSecretLength}`,
        );
      }
      this.hmacKey = createSecretKey(Buffer.from(settings.jwtSecret));
      this.algorithms.push('HS256');
    }
  }

  /** Reads the RS256 public key, when one is configured (a wrong file stops the start with its reason). */
  async start(): Promise<void> {
    if (!this.settings.jwtPublicKeyFile || this.rsaKey) return;
    try {
      this.rsaKey = await importSPKI(readFileSync(this.settings.jwtPublicKeyFile, 'utf8'), 'RS256');
    } catch (err) {
      throw new SluiceError(
        'ING_CONFIG_INVALID',
        `API_JWT_PUBLIC_KEY_FILE=${this.settings.jwtPublicKeyFile}: not a readable PEM public key (${(err as Error).message})`,
      );
    }
    this.algorithms.push('RS256');
  }

  /** The caller, undefined when the request carries no credentials; invalid credentials are a 401. */
  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    const apiKeyHeader = headers['x-api-key'];
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (headers.authorization !== undefined && bearer === undefined) {
      throw unauthenticated('the Authorization header must be "Bearer <API key or token>"');
    }
    const key = typeof apiKeyHeader === 'string' && apiKeyHeader ? apiKeyHeader.trim() : undefined;
    if (key) return this.apiKey(key);
    if (bearer?.startsWith('sk_')) return this.apiKey(bearer);
    if (bearer) return this.token(bearer);
    return undefined;
  }

  private async apiKey(key: string): Promise<Principal> {
    const identity = await this.verifier.verify(key);
    if (!identity) throw unauthenticated('the API key is unknown or revoked');
    return { kind: 'api-key', subject: `key:${identity.id}`, name: identity.name, roles: identity.roles };
  }

  private async token(token: string): Promise<Principal> {
    if (this.algorithms.length === 0) {
      throw unauthenticated(
        'bearer tokens are not accepted here (no API_JWT_SECRET or API_JWT_PUBLIC_KEY_FILE)',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key =
            header.alg === 'HS256' ? this.hmacKey : header.alg === 'RS256' ? this.rsaKey : undefined;
          if (!key) throw new joseErrors.JOSEAlgNotAllowed(`algorithm ${header.alg} is not accepted`);
          return key;
        },
        {
          algorithms: this.algorithms,
          issuer: this.settings.jwtIssuer || undefined,
          audience: this.settings.jwtAudience || undefined,
          requiredClaims: ['exp'],
        },
      ));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('the bearer token has expired');
      if (err instanceof joseErrors.JOSEError)
        throw unauthenticated(`the bearer token is invalid: ${err.message}`);
      throw err;
    }
    const subject = typeof payload.sub === 'string' && payload.sub ? payload.sub : 'unnamed';
    return {
      kind: 'jwt',
      subject: `jwt:${subject}`,
      name: subject,
      roles: rolesOf(payload[this.settings.jwtRolesClaim]),
    };
  }
}
