import type { Request } from 'express';
import type { JsonAnswer } from './route.ts';

/** A keyset page as the API answers it: the items, the page size used and a link to the next page. */
export function pageAnswer(
  request: Request,
  page: { data: unknown[]; limit: number; next?: string },
  extra: Partial<JsonAnswer> = {},
): JsonAnswer {
  let next: string | null = null;
  if (page.next) {
    const url = new URL(request.originalUrl, 'http://api.invalid');
    url.searchParams.set('cursor', page.next);
    next = `${url.pathname}${url.search}`;
  }
  return {
    ...extra,
    json: { data: page.data, page: { limit: page.limit, next } },
    headers: { ...extra.headers, ...(next ? { Link: `<${next}>; rel="next"` } : {}) },
  };
}
