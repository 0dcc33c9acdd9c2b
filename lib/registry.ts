import { setTimeout as sleep } from 'node:timers/promises';
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
 * Registry access for the serde and `sluice schemas`: the Confluent REST calls Sluice makes, over
 * fetch: a client library (@kafkajs/confluent-schema-registry did the registration) loads JSON
 * Schema and Protobuf support with it, ~0.1 CPU-second and ~15 MB in every process, for one POST.
 */
export class SchemaRegistryClient {
  constructor(readonly baseUrl: string) {}

  /** A call, tried three times when the registry cannot be reached or fails (5xx): every call is idempotent. */
  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: unknown }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce(method, path, body);
      } catch (err) {
        const unreachable = err instanceof SluiceError && err.code === 'ING_NETWORK';
        if (!unreachable || attempt >= 3) throw err;
        await sleep(300 * attempt);
      }
    }
  }

  private async requestOnce(
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

  /**
   * Registers the schema under `<topic>-value` with the contract's compatibility level (set first
   * on a subject that has another, after the first version on a new one); returns its id.
   */
  async register(
    contract: Pick<TopicContract, 'topic' | 'compatibility'>,
    schema: Record<string, unknown>,
    attempts = 3,
  ): Promise<number> {
    const subject = subjectOf(contract.topic);
    const level = await this.compatibility(subject);
    if (level !== undefined && level !== contract.compatibility)
      await this.setCompatibility(subject, contract.compatibility);
    const { status, data } = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: JSON.stringify(schema),
    });
    if (status === 200) {
      if (level === undefined) await this.setCompatibility(subject, contract.compatibility);
      return (data as { id: number }).id;
    }
    const refusal = JSON.stringify(data);
    if (attempts > 1 && isConcurrentRuleCreation(refusal))
      return this.register(contract, schema, attempts - 1);
    // no Confluent-compatible API at that URL (Apicurio's is under …/apis/ccompat/v7)
    if (status === 404)
      throw settingError(
        'SCHEMA_REGISTRY_URL',
        this.baseUrl,
        new Error(`POST /subjects/${subject}/versions answered 404`),
        'ING_CONFIG_INVALID',
      );
    if (status === 409 || status === 422) {
      const why = status === 409 ? `breaks ${contract.compatibility} compatibility` : 'is not a valid schema';
      throw new SluiceError('ING_SERDE_INVALID', `schema for ${subject} ${why}: ${refusal}`, {
        disposition: 'fatal',
      });
    }
    throw new SluiceError('ING_KAFKA_REJECTED', `schema registry refused ${subject} (${status}): ${refusal}`);
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
