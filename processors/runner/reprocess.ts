import type { Admin, Kafka } from 'kafkajs';
import { SluiceError } from '../../lib/errors.ts';

export interface ReplayPlan {
  /** First offset to process per partition. */
  starts: Map<number, number>;
  /** End offsets (exclusive) per partition at planning time: the replay stops there. */
  ends: Map<number, number>;
  records: number;
}

/**
 * Where a replay starts: `earliest`, an ISO-8601 instant (the first record at or after it), an
 * offset for every partition (`1200`), or offsets per partition (`0:1200,3:998`).
 */
export async function planReplay(admin: Admin, topic: string, from: string): Promise<ReplayPlan> {
  const watermarks = await admin.fetchTopicOffsets(topic);
  const starts = new Map<number, number>();
  const text = from.trim();
  if (text === 'earliest') {
    for (const { partition, low } of watermarks) starts.set(partition, Number(low));
  } else if (/^\d+$/.test(text)) {
    for (const { partition } of watermarks) starts.set(partition, Number(text));
  } else if (/^\d+:\d+(,\d+:\d+)*$/.test(text)) {
    for (const entry of text.split(',')) {
      const [partition, offset] = entry.split(':').map(Number) as [number, number];
      starts.set(partition, offset);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text) && !Number.isNaN(Date.parse(text))) {
    for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, Date.parse(text))) {
      starts.set(partition, Number(offset));
    }
  } else {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      `--from ${JSON.stringify(from)}: expected earliest, an ISO-8601 instant with offset, an offset, or partition:offset,…`,
    );
  }
  const ends = new Map<number, number>();
  let records = 0;
  for (const { partition, low, high } of watermarks) {
    const start = starts.get(partition);
    if (start === undefined) continue;
    const clamped = Math.min(Math.max(start, Number(low)), Number(high));
    starts.set(partition, clamped);
    if (clamped < Number(high)) {
      ends.set(partition, Number(high));
      records += Number(high) - clamped;
    } else starts.delete(partition);
  }
  return { starts, ends, records };
}

/** Commits the plan's start offsets for a fresh consumer group, so a runner in that group begins there. */
export async function positionGroup(
  admin: Admin,
  groupId: string,
  topic: string,
  plan: ReplayPlan,
): Promise<void> {
  if (plan.starts.size === 0) return;
  await admin.setOffsets({
    groupId,
    topic,
    partitions: [...plan.starts].map(([partition, offset]) => ({ partition, offset: String(offset) })),
  });
}

export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
