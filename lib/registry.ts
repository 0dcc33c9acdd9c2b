import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type Compatibility, subjectOf, type TopicContract } from '../schemas/catalog.ts';
import { defineSettings, loadSettings, type SettingsOf, setting, url } from './config.ts';
import { SluiceError, settingError } from './errors.ts';

export const registrySettings = defineSettings('schema-registry', {
  url: setting(
    'SCHEMA_REGISTRY_URL',
    url(['http', 'https']),
    'http://127.0.0.1:18081/apis/ccompat/v7',
    'Confluent-compatible schema registry base URL (Apicurio: …/apis/ccompat/v7).',
  ),
});

export type RegistrySettings = SettingsOf<typeof registrySettings>;

export interface CompatibilityResult {
  compatible: boolean;
  messages: string[];
}

/**
 * Registry access for the serde and `sluice schemas`: registration through
 * @kafkajs/confluent-schema-registry (it caches ids and applies the subject's
 * compatibility level), plus the plain REST calls it has no method for.
 */
export class SchemaRegistryClient {
  private readonly client: SchemaRegistry;

  constructor(readonly baseUrl: string) {
    this.client = new SchemaRegistry({ host: baseUrl, retry: { retries: 3 } });
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw settingError('SCHEMA_REGISTRY_URL', this.baseUrl, err, 'ING_NETWORK');
    }
    const text = await response.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    if (response.status >= 500) {
      throw new SluiceError(
        'ING_NETWORK',
        `schema registry answered ${response.status} to ${method} ${path}: ${text}`,
      );
    }
    return { status: response.status, data };
  }

  /** Registers the schema under `<topic>-value` with the contract's compatibility level; returns its id. */
  async register(
    contract: Pick<TopicContract, 'topic' | 'compatibility'>,
    schema: Record<string, unknown>,
    attempts = 3,
  ): Promise<number> {
    const subject = subjectOf(contract.topic);
    try {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: COMPATIBILITY[contract.compatibility] },
      );
      return id;
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (attempts > 1 && isConcurrentRuleCreation(message))
        return this.register(contract, schema, attempts - 1);
      if (/incompatible|409/i.test(message)) {
        throw new SluiceError(
          'ING_SERDE_INVALID',
          `schema for ${subject} breaks ${contract.compatibility} compatibility: ${message}`,
          {
            cause: err,
            disposition: 'fatal',
          },
        );
      }
      if (attempts > 1 && /does not match the configuration/i.test(message)) {
        await this.setCompatibility(subject, contract.compatibility);
        return this.register(contract, schema, attempts - 1);
      }
      if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(message))
        throw settingError('SCHEMA_REGISTRY_URL', this.baseUrl, err, 'ING_NETWORK');
      throw err;
    }
  }

  async setCompatibility(subject: string, compatibility: Compatibility, attempts = 3): Promise<void> {
    const { status, data } = await this.request('PUT', `/config/${encodeURIComponent(subject)}`, {
      compatibility,
    });
    if (status === 200) return;
    const refusal = JSON.stringify(data);
    if (attempts > 1 && isConcurrentRuleCreation(refusal)) {
      return this.setCompatibility(subject, compatibility, attempts - 1);
    }
    throw new SluiceError('ING_KAFKA_REJECTED', `cannot set ${compatibility} on ${subject}: ${refusal}`);
  }

  async compatibility(subject: string): Promise<Compatibility | undefined> {
    const { status, data } = await this.request('GET', `/config/${encodeURIComponent(subject)}`);
    return status === 200 ? (data as { compatibilityLevel: Compatibility }).compatibilityLevel : undefined;
  }

  /** Asks the registry whether the schema could be registered as the next version of the subject. */
  async testCompatibility(
    subject: string,
    schema: Record<string, unknown>,
  ): Promise<CompatibilityResult | undefined> {
    const { status, data } = await this.request(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schema: JSON.stringify(schema), schemaType: 'AVRO' },
    );
    if (status === 404) return undefined;
    const result = data as { is_compatible?: boolean; messages?: string[] };
    return { compatible: result.is_compatible === true, messages: result.messages ?? [] };
  }

  async latestSchema(
    subject: string,
  ): Promise<{ id: number; version: number; schema: Record<string, unknown> } | undefined> {
    const { status, data } = await this.request(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/latest`,
    );
    if (status === 404) return undefined;
    const latest = data as { id: number; version: number; schema: string };
    return { id: latest.id, version: latest.version, schema: JSON.parse(latest.schema) };
  }

  /** The schema registered under a global id, or undefined when the registry has no such id. */
  async schemaById(id: number): Promise<Record<string, unknown> | undefined> {
    const { status, data } = await this.request('GET', `/schemas/ids/${id}`);
    if (status === 404) return undefined;
    return JSON.parse((data as { schema: string }).schema);
  }
}

export function createRegistryClient(
  settings: RegistrySettings = loadSettings(registrySettings),
): SchemaRegistryClient {
  return new SchemaRegistryClient(settings.url);
}

/**
 * Apicurio refuses to create a subject's compatibility rule that another client created a moment
 * before (a new subject registered from several processes or threads at once). The rule exists
 * then, so the same call repeated updates it and goes through.
 */
function isConcurrentRuleCreation(message: string): boolean {
  return /rule named 'COMPATIBILITY' already exists/i.test(message);
}
