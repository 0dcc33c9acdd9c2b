import type { Admin } from 'kafkajs';
import { z } from 'zod';
import { describeError } from '../lib/errors.ts';
import type { Observed } from '../lib/ops.ts';
import { defineRoute, type RouteSpec } from './http/route.ts';

export const overviewSchema = z
  .object({
    generatedAt: z.string(),
    kafka: z.object({ reachable: z.boolean(), error: z.string().optional() }),
    topics: z.array(
      z.object({
        topic: z.string(),
        partitions: z.number().int(),
        messages: z.number().meta({
          description:
            'Offsets retained now (high minus low watermark, over partitions): transaction markers take offsets too, so this is not a record count (see GET /api/v1/pipeline).',
        }),
        endOffset: z.number().meta({
          description: 'High watermarks summed: every offset ever written, transaction markers included.',
        }),
      }),
    ),
    components: z.array(
      z.object({
        name: z.string(),
        state: z.enum(['ready', 'degraded', 'down']),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'Overview' });

export type Overview = z.infer<typeof overviewSchema>;

/** The Sluice topics with their offsets, and the health of running components. */
export async function buildOverview(
  connectedAdmin: () => Promise<Admin>,
  components: Observed[],
): Promise<Overview> {
  const base = {
    generatedAt: new Date().toISOString(),
    components: components.map((c) => ({ name: c.name, ...c.health() })),
  };
  try {
    const admin = await connectedAdmin();
    const names = (await admin.listTopics())
      .filter((topic) => !topic.startsWith('__') && !topic.startsWith('_'))
      .sort();
    const topics = await Promise.all(
      names.map(async (topic) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return {
          topic,
          partitions: offsets.length,
          messages: offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0),
          endOffset: offsets.reduce((sum, p) => sum + Number(p.high), 0),
        };
      }),
    );
    return { ...base, kafka: { reachable: true }, topics };
  } catch (err) {
    return { ...base, kafka: { reachable: false, error: describeError(err) }, topics: [] };
  }
}

/** GET /api/v1/overview: public topic offsets and component health, no data (the dashboard reads /api/v1/stream). */
export function overviewRoute(overview: () => Promise<Overview>): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/api/v1/overview',
    operationId: 'getOverview',
    summary: 'Topics with their offsets and the health of the components in this process',
    tags: ['operations'],
    role: 'public',
    responses: { 200: { description: 'The overview.', schema: overviewSchema } },
    async handle() {
      return { json: await overview(), cache: 'no-store' };
    },
  });
}
