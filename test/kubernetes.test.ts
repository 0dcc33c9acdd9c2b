import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ensureGoTool } from '../cli/stack/install.ts';
import { postgresIngestSettings } from '../cli/stack/postgres.ts';
import { loadSettings, projectRoot } from '../lib/config.ts';
import { pricingSettings } from '../processors/pricing/config.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { assertContainerNodeFlags, sluice } from './support.ts';

const kustomizeVersion = 'v5.8.1';
const k8s = join(projectRoot, 'deploy', 'k8s');

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML, checked field by field below
  spec?: any;
}

/** The packages whose models validate a group's resources offline; the rest have vendored CRD schemas. */
const modelPackages: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

const crdSchemas = join(k8s, 'crd-schemas');
const ajv = new Ajv({ strict: false, allErrors: true });

function groupOf(resource: Resource): [group: string, version: string] {
  return resource.apiVersion.includes('/')
    ? (resource.apiVersion.split('/') as [string, string])
    : ['', resource.apiVersion];
}

/** The kubernetes-models module of a resource's kind, or undefined for an operator's kind. */
function modelModule(resource: Resource): string | undefined {
  const [group] = groupOf(resource);
  if (group !== '' && group.includes('.') && !group.endsWith('.k8s.io') && !modelPackages[group])
    return undefined;
  return `${modelPackages[group] ?? 'kubernetes-models'}/${resource.apiVersion}/${resource.kind}`;
}

/**
 * An operator CRD's schema made strict as the API server's field validation is: an object with
 * `properties` takes no other field unless it says `x-kubernetes-preserve-unknown-fields`.
 */
function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (!node || typeof node !== 'object') return node;
  const schema = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, strictSchema(value)]));
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || 'additionalProperties' in schema;
  if (schema.type === 'object' && schema.properties && !open) schema.additionalProperties = false;
  return schema;
}

/** Validates a resource against the Kubernetes (or operator) schema of its apiVersion and kind. */
async function validate(resource: Resource): Promise<void> {
  const [group, version] = groupOf(resource);
  const where = `${resource.kind} ${resource.metadata.name}`;
  const path = modelModule(resource);
  if (path) {
    const module = (await import(path).catch(() => assert.fail(`${where}: no model ${path}`))) as Record<
      string,
      new (
        data: unknown,
      ) => { validate(): void }
    >;
    const Model = module[resource.kind] as new (data: unknown) => { validate(): void };
    try {
      new Model(resource).validate();
    } catch (err) {
      assert.fail(`${where} is invalid: ${(err as Error).message}`);
    }
    return;
  }
  const file = join(crdSchemas, `${group}_${resource.kind}_${version}.json`);
  const schema = strictSchema(JSON.parse(readFileSync(file, 'utf8'))) as object;
  const check = ajv.compile(schema);
  const valid = check(resource);
  const problems = (check.errors ?? []).map(
    (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
  );
  assert.ok(valid, `${where} is invalid: ${problems.join('; ')}`);
}

/**
 * Fields the Kubernetes API does not know (a misspelt `readinesProbe`): the models' runtime
 * validation lets them through, so the resources are type-checked against the models' types,
 * where an object literal with an unknown field is an error.
 */
function unknownFields(resources: Resource[]): string[] {
  const file = join(projectRoot, '__rendered-resources__.ts');
  const typed = resources.filter((resource) => modelModule(resource));
  const source = typed
    .map(
      (resource, i) =>
        `import type { I${resource.kind} as T${i} } from '${modelModule(resource)}';\n` +
        `export const r${i}: T${i} = ${JSON.stringify(resource)};`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : readSource(name, language, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
    const resource = typed[Math.floor(line / 2)];
    return `${resource?.kind} ${resource?.metadata.name}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

function build(kustomize: string, dir: string): Resource[] {
  const result = spawnSync(kustomize, ['build', join(k8s, dir)], { encoding: 'utf8' });
  assert.equal(result.status, 0, `kustomize build ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => {
    const resource = document.toJS() as Resource & { data?: Record<string, string> };
    // kustomize folds long base64 values over lines, which the API server's decoder skips
    if (resource.kind === 'Secret' && resource.data)
      for (const key of Object.keys(resource.data))
        resource.data[key] = resource.data[key]?.replace(/\s/g, '') ?? '';
    return resource;
  });
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The consumer group each lag-scaled Deployment's component uses by default. */
const consumerGroups: Record<string, string> = {
  'processor-telemetry': loadSettings(telemetrySettings, {}).groupId,
  'processor-pricing': loadSettings(pricingSettings, {}).groupId,
  'sink-postgres': loadSettings(postgresSinkSettings, {}).groupId,
  'sink-clickhouse': loadSettings(clickhouseSinkSettings, {}).groupId,
};

describe('Kubernetes manifests (deploy/k8s)', () => {
  let kustomize: string;
  const rendered: Record<string, Resource[]> = {};

  before(() => {
    kustomize = ensureGoTool('kustomize', 'sigs.k8s.io/kustomize/kustomize/v5', kustomizeVersion);
    for (const dir of ['base', 'overlays/dev', 'overlays/prod', 'operators'])
      rendered[dir] = build(kustomize, dir);
  });

  it('render with kustomize and validate offline against the Kubernetes and operator schemas', async () => {
    for (const [dir, resources] of Object.entries(rendered)) {
      assert.ok(resources.length > 0, `${dir} renders nothing`);
      for (const resource of resources) await validate(resource);
    }
    assert.deepEqual(unknownFields(Object.values(rendered).flat()), []);
    const kinds = new Set(rendered.operators?.map((r) => `${r.apiVersion} ${r.kind}`));
    for (const kind of [
      'kafka.strimzi.io/v1 Kafka',
      'postgresql.cnpg.io/v1 Cluster',
      'clickhouse.altinity.com/v1 ClickHouseInstallation',
    ])
      assert.ok(kinds.has(kind), `no ${kind} example`);
  });

  it('refuses an invalid resource (the validation is not a pass-through)', async () => {
    const deployment = rendered.base?.find((r) => r.kind === 'Deployment') as Resource;
    const broken = structuredClone(deployment);
    broken.spec.replicas = 'two';
    await assert.rejects(validate(broken), /replicas/);
    const cluster = rendered.operators?.find((r) => r.kind === 'Cluster') as Resource;
    await assert.rejects(
      validate({ ...cluster, spec: { ...cluster.spec, instances: 'three' } }),
      /instances/,
    );
    await assert.rejects(validate({ ...cluster, spec: { ...cluster.spec, instancez: 3 } }), /instancez/);
    const misspelt = structuredClone(deployment);
    misspelt.spec.template.spec.containers[0].readinesProbe = {};
    assert.match(unknownFields([misspelt]).join('\n'), /readinesProbe/);
  });

  it('starts each component with its own V8 flags (lib/component.ts nodeFlagsOf)', () => {
    for (const resource of rendered.base as Resource[]) {
      const pod =
        resource.kind === 'CronJob' ? resource.spec.jobTemplate.spec.template : resource.spec?.template;
      for (const container of (pod?.spec.containers ?? []) as {
        args: string[];
        env?: { name: string; value?: string }[];
      }[]) {
        const nodeOptions = container.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value;
        assertContainerNodeFlags(container.args, nodeOptions, `${resource.kind} ${resource.metadata.name}`);
      }
    }
  });

  it("runs PostgreSQL with the local stack's settings for Sluice's load, its buffers sized for the pod", () => {
    const cluster = rendered.operators?.find((r) => r.kind === 'Cluster') as Resource;
    const parameters = cluster.spec.postgresql.parameters as Record<string, string>;
    for (const [name, value] of Object.entries(postgresIngestSettings))
      if (name !== 'shared_buffers') assert.equal(parameters[name], value, name);
    assert.ok(parameters.shared_buffers, 'shared_buffers');
  });

  it('runs only commands the CLI has', () => {
    const commands = new Set(
      (rendered.base as Resource[]).flatMap((r) => {
        const pod = r.kind === 'CronJob' ? r.spec.jobTemplate.spec.template : r.spec?.template;
        return (pod?.spec.containers ?? []).map((c: { args: string[] }) => c.args.join(' '));
      }),
    );
    assert.ok(commands.size >= 10, [...commands].join(', '));
    for (const command of commands) {
      const help = sluice([...command.split(' '), '--help']);
      assert.equal(help.status, 0, `sluice ${command}: ${help.stderr}`);
    }
  });

  for (const dir of ['base', 'overlays/dev', 'overlays/prod']) {
    it(`${dir}: every Deployment has probes on /readyz and /healthz, requests and limits, and a PDB`, () => {
      const resources = rendered[dir] as Resource[];
      const deployments = resources.filter((r) => r.kind === 'Deployment');
      assert.ok(deployments.length >= 7);
      for (const deployment of deployments) {
        const name = deployment.metadata.name;
        const pod = deployment.spec.template;
        for (const container of pod.spec.containers) {
          assert.equal(container.readinessProbe?.httpGet?.path, '/readyz', `${name}: readiness probe`);
          assert.equal(container.livenessProbe?.httpGet?.path, '/healthz', `${name}: liveness probe`);
          for (const kind of ['requests', 'limits'])
            for (const resource of ['cpu', 'memory'])
              assert.ok(container.resources?.[kind]?.[resource], `${name}: no ${resource} ${kind}`);
        }
        const budgets = resources.filter(
          (r) =>
            r.kind === 'PodDisruptionBudget' && selects(r.spec.selector.matchLabels, pod.metadata.labels),
        );
        assert.equal(budgets.length, 1, `${name}: ${budgets.length} PodDisruptionBudgets`);
      }
    });

    it(`${dir}: processors and sinks scale on their consumer group's lag (KEDA), the gateway on CPU`, () => {
      const resources = rendered[dir] as Resource[];
      for (const [name, group] of Object.entries(consumerGroups)) {
        const scaled = resources.find(
          (r) => r.kind === 'ScaledObject' && r.spec.scaleTargetRef.name === name,
        );
        assert.ok(scaled, `no ScaledObject for ${name}`);
        const [trigger] = scaled.spec.triggers;
        assert.equal(trigger.type, 'kafka');
        assert.equal(trigger.metadata.consumerGroup, group, `${name} scales on another group's lag`);
        assert.ok(resources.some((r) => r.kind === 'Deployment' && r.metadata.name === name));
      }
      const hpa = resources.find((r) => r.kind === 'HorizontalPodAutoscaler');
      assert.equal(hpa?.spec.scaleTargetRef.name, 'gateway');
      assert.equal(hpa?.spec.metrics[0].resource.name, 'cpu');
    });

    it(`${dir}: a migration Job, price collection CronJobs, settings and NetworkPolicies`, () => {
      const resources = rendered[dir] as Resource[];
      const job = resources.find((r) => r.kind === 'Job');
      assert.deepEqual(job?.spec.template.spec.containers[0].args, ['migrate']);
      const collections = resources
        .filter((r) => r.kind === 'CronJob')
        .map((r) => r.spec.jobTemplate.spec.template.spec.containers[0].args.join(' '));
      assert.deepEqual(collections.sort(), ['collect aws', 'collect azure']);
      assert.ok(
        resources.some((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('sluice-settings')),
      );
      assert.ok(resources.some((r) => r.kind === 'NetworkPolicy'));
    });
  }
});
