import { Cron } from 'croner';
import { z } from 'zod';
import { collectionStart } from '../api/operations/collections.ts';
import { defineSettings, setting } from '../lib/config.ts';

/**
 * PRICING_COLLECTION_SCHEDULE, apart from the scheduler (cli/operations.ts), which is imported only
 * when the API runs: the CLI imports this at start so `sluice config` lists it and a set variable
 * is known.
 */

const scheduleEntry = z.intersection(
  z.object({ cron: z.string().min(1) }),
  collectionStart.transform(({ runId: _runId, ...start }) => start),
);

const schedule = z.string().transform((text, ctx) => {
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not JSON: ${(err as Error).message}` });
    return z.NEVER;
  }
  const entries = z.array(scheduleEntry).safeParse(parsed);
  if (!entries.success) {
    ctx.addIssue({ code: 'custom', message: z.prettifyError(entries.error) });
    return z.NEVER;
  }
  for (const entry of entries.data) {
    try {
      new Cron(entry.cron, { paused: true }).stop();
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `cron "${entry.cron}": ${(err as Error).message}` });
      return z.NEVER;
    }
  }
  return entries.data;
});

export const collectionScheduleSettings = defineSettings('collection schedule', {
  schedule: setting(
    'PRICING_COLLECTION_SCHEDULE',
    schedule,
    '',
    'Collections the platform starts on a schedule: a JSON list of {"cron": "0 3 * * *", "provider": "azure"|"aws", "filters": {…}} (the body of POST /api/v1/collections plus a cron expression, UTC); empty: none.',
  ),
});
