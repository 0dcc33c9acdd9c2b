import type { Admin } from 'kafkajs';
import type { HealthState } from '../lib/component.ts';
import { describeError } from '../lib/errors.ts';
import type { Observed } from '../lib/ops.ts';

export interface TopicOverview {
  topic: string;
  partitions: number;
  /** Messages currently retained (high watermark minus low watermark, summed over partitions). */
  messages: number;
  /** High watermarks summed: every message ever written, a counter the dashboard turns into a rate. */
  endOffset: number;
}

export interface Overview {
  generatedAt: string;
  kafka: { reachable: boolean; error?: string };
  topics: TopicOverview[];
  components: { name: string; state: HealthState; reason?: string }[];
}

/** What the dashboard shows: the Sluice topics with their sizes, and the health of running components. */
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
