import { z } from 'zod';
import 'zod-openapi';
import { idPattern, telemetryLimits } from '../lib/telemetry/validate.ts';

/** Parameter and answer shapes several routes share. */

/** An instant with its offset, e.g. 2026-11-21T08:00:00Z: epoch milliseconds once parsed. */
export const instant = z.iso
  .datetime({ offset: true, message: 'expected an ISO-8601 instant with offset, e.g. 2026-11-21T08:00:00Z' })
  .transform((text) => Date.parse(text));

export const isoTime = z.iso
  .datetime()
  .meta({ description: 'UTC instant, ISO 8601.', example: '2026-11-21T08:15:30.250Z' });

/** A page size: a positive whole number; the handler caps it at API_MAX_PAGE_SIZE. */
export const pageLimit = z.coerce
  .number({ message: 'expected a whole number' })
  .int('expected a whole number')
  .min(1, 'must be at least 1')
  .meta({
    description:
      'Items per page (default API_DEFAULT_PAGE_SIZE; larger than API_MAX_PAGE_SIZE is capped to it).',
  });

export const cursorParameter = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]*$/, 'not a cursor of this API')
  .meta({ description: 'Where the page starts: the `next` cursor of the previous page, opaque.' });

/** Free text without control characters (PostgreSQL text cannot hold a NUL; none belongs in a name). */
export function plainText(max: number) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((text) => !/\p{Cc}/u.test(text), 'control characters are not allowed');
}

/** A device id as the processor accepts it (so filters and the registry never hold an id no reading can have). */
export const deviceId = z
  .string()
  .max(telemetryLimits.id, `at most ${telemetryLimits.id} characters`)
  .regex(
    idPattern,
    'expected letters, digits and . _ : @ - in /-separated segments, each starting with a letter or digit',
  )
  .meta({ example: 'boiler-7' });

export const siteId = deviceId.meta({ example: 'plant-north' });

export const metricName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'expected a canonical metric name (lowercase letters, digits, _)')
  .meta({ example: 'temperature' });

/** A repeatable query parameter: `?device=a&device=b`. */
export function listOf<T extends z.ZodType>(item: T, max: number, description: string) {
  return z.array(item).min(1).max(max, `at most ${max} values`).meta({ description });
}

export const pageInfo = z
  .object({
    limit: z.number().int().meta({ description: 'The page size used (after capping).' }),
    next: z.string().nullable().meta({
      description: 'Relative URL of the next page (also in the Link header); null on the last page.',
    }),
  })
  .meta({ id: 'PageInfo' });

/** The cursor of a keyset page: the sort key of its last item, as base64url JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A keyset page of items; `next` is the cursor of the next page, undefined on the last. */
export interface Page<T> {
  data: T[];
  limit: number;
  next?: string;
}

/**
 * A page from rows read with `LIMIT size + 1`: the first `size` as items, and a cursor after the
 * last of them (its sort key) when the extra row shows there is more.
 */
export function keysetPage<R, T>(
  rows: R[],
  size: number,
  item: (row: R) => T,
  sortKey: (row: R) => readonly (string | number)[],
): Page<T> {
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    data: page.map(item),
    limit: size,
    next: rows.length > size && last !== undefined ? encodeCursor(sortKey(last)) : undefined,
  };
}

export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.output<T> | undefined {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
