import { z } from 'zod';

/**
 * Every error answer of the API is an RFC 9457 problem (`application/problem+json`): a `type`
 * URI naming the kind of problem (listed in docs/api.md), a `title` for it, the `status`, a
 * `detail` for this occurrence, the `instance` (the request path), the request id and, for
 * invalid input, each offending parameter.
 */

export const problemContentType = 'application/problem+json';

export const problemKinds = {
  'invalid-request': { status: 400, title: 'The request is invalid' },
  unauthenticated: { status: 401, title: 'Credentials are missing or invalid' },
  forbidden: { status: 403, title: 'The credentials lack the role this needs' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'The resource does not take this method' },
  'not-acceptable': { status: 406, title: 'No representation in an accepted media type' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body has a media type not taken here' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'The server failed' },
  unavailable: { status: 503, title: 'A database the answer needs is unavailable' },
} as const;

export type ProblemKind = keyof typeof problemKinds;

export function problemType(kind: ProblemKind): string {
  return `urn:sluice:problem:${kind}`;
}

export const invalidParameter = z
  .object({
    name: z
      .string()
      .meta({ description: 'Where: a query or path parameter, a body field path, or a GraphQL argument.' }),
    reason: z.string(),
  })
  .meta({ id: 'InvalidParameter' });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'URI naming the kind of problem (urn:sluice:problem:<kind>).' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path.' }),
    requestId: z
      .string()
      .meta({ description: 'Id of the request, also in the X-Request-Id header and the logs.' }),
    invalidParams: z.array(invalidParameter).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;
export type InvalidParameter = z.infer<typeof invalidParameter>;

/** An error a handler throws to answer with a problem; anything else thrown is a 500 or 503. */
export class ApiProblem extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly extras: { invalidParams?: InvalidParameter[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.status = problemKinds[kind].status;
  }

  body(instance: string, requestId: string): Problem {
    return {
      type: problemType(this.kind),
      title: problemKinds[this.kind].title,
      status: this.status,
      detail: this.message,
      instance,
      requestId,
      ...(this.extras.invalidParams ? { invalidParams: this.extras.invalidParams } : {}),
    };
  }
}

/** A zod error as a 400 problem naming each invalid parameter. */
export function invalidInput(error: z.ZodError, where: string): ApiProblem {
  const invalidParams = error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ name: [...path, key].join('.'), reason: `unknown ${where}` }));
    }
    return [{ name: path.length > 0 ? path.join('.') : where, reason: issue.message }];
  });
  return new ApiProblem(
    'invalid-request',
    `invalid ${where}: ${invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ')}`,
    { invalidParams },
  );
}
