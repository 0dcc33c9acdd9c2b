import { z } from 'zod';
import { defineSettings, positiveInt, type SettingsOf, setting, url } from '../../lib/config.ts';

export const nodeSpec = z
  .object({
    nodeId: z.string().min(1),
    deviceId: z.string().min(1),
    metric: z.string().min(1),
    siteId: z.string().min(1).optional(),
    unit: z.string().min(1).optional(),
    /** Overrides OPCUA_SAMPLING_INTERVAL_MS for this node. */
    samplingIntervalMs: z.number().int().min(0).optional(),
  })
  .strict();

export type NodeSpec = z.output<typeof nodeSpec>;

const nodeList = z.string().transform((text, ctx): NodeSpec[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected a JSON array of nodes: ${(err as Error).message}` });
    return [];
  }
  const result = z.array(nodeSpec).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `node ${issue?.path.join('.')}: ${issue?.message}` });
    return [];
  }
  return result.data;
});

export const opcuaSettings = defineSettings('opc ua client', {
  endpointUrl: setting(
    'OPCUA_ENDPOINT_URL',
    url(['opc.tcp']),
    'opc.tcp://127.0.0.1:4840',
    'OPC UA server endpoint (security mode None; see known limits).',
  ),
  nodes: setting(
    'OPCUA_NODES',
    nodeList,
    '[]',
    'JSON array of {nodeId, deviceId, metric, unit?, siteId?, samplingIntervalMs?} to monitor; empty disables the client.',
  ),
  samplingIntervalMs: setting(
    'OPCUA_SAMPLING_INTERVAL_MS',
    positiveInt,
    '1000',
    'How often the server samples each node (monitored item sampling interval).',
  ),
  publishingIntervalMs: setting(
    'OPCUA_PUBLISHING_INTERVAL_MS',
    positiveInt,
    '1000',
    'How often the server sends the changes of the subscription.',
  ),
  maxBufferedReadings: setting(
    'OPCUA_MAX_BUFFERED_READINGS',
    positiveInt,
    '100000',
    'Readings kept while Kafka is unavailable; beyond it the oldest are dropped (counted in sluice_errors_total).',
  ),
});

export type OpcuaSettings = SettingsOf<typeof opcuaSettings>;
