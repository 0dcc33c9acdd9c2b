import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './openapi-types.ts';

/**
 * A typed client of the Sluice REST API: paths, parameters and answers are checked by the
 * TypeScript compiler against the OpenAPI document (openapi-fetch over generated types).
 *
 *   const sluice = createSluiceClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'sk_…' });
 *   const { data, error } = await sluice.GET('/api/v1/telemetry/latest', { params: { query: { device: ['boiler-7'] } } });
 */

export type { components, operations, paths };
export type SluiceClient = Client<paths>;
export type Reading = components['schemas']['Reading'];
export type Device = components['schemas']['Device'];
export type Problem = components['schemas']['Problem'];

export interface SluiceClientOptions {
  baseUrl: string;
  /** An API key (X-API-Key) … */
  apiKey?: string;
  /** … or a JWT bearer token. */
  token?: string;
  fetch?: typeof fetch;
}

export function createSluiceClient({ baseUrl, apiKey, token, fetch }: SluiceClientOptions): SluiceClient {
  return createClient<paths>({
    baseUrl,
    fetch,
    headers: {
      ...(apiKey ? { 'X-API-Key': apiKey } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    // repeated parameters, as the API reads lists: ?device=a&device=b
    querySerializer: { array: { style: 'form', explode: true } },
  });
}
