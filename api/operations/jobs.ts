import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeError } from '../../lib/errors.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type JsonAnswer, type RouteSpec } from '../http/route.ts';
import { isoTime } from '../schemas.ts';
import type { PipelineActions, ProgressReport } from './actions.ts';

/**
 * Long operations started over HTTP (a dead-letter replay, a reprocess) run as jobs: the POST
 * answers 202 with the job's URL at once, the job reports progress and ends with its counts or
 * its error. Jobs live in the API process that runs them (the last API_JOBS_KEPT are listed).
 */

export const jobKinds = ['dlq-replay', 'reprocess'] as const;
export const jobStatuses = ['running', 'succeeded', 'failed'] as const;

export const jobSchema = z
  .object({
    jobId: z.string(),
    kind: z.enum(jobKinds),
    status: z.enum(jobStatuses),
    request: z.record(z.string(), z.unknown()).meta({ description: 'What the job was asked to do.' }),
    progress: z.object({
      done: z.number().int().meta({ description: 'Records handled so far.' }),
      total: z.number().int().meta({ description: 'Records the job planned to read (0 until planned).' }),
    }),
    result: z
      .record(z.string(), z.number())
      .nullable()
      .meta({ description: 'The counts the job ended with; null while running or when it failed.' }),
    error: z.string().nullable(),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
  })
  .meta({ id: 'Job' });

export type Job = z.infer<typeof jobSchema>;
export type JobKind = (typeof jobKinds)[number];

export const acceptedJob = z
  .object({ jobId: z.string(), url: z.string().meta({ description: 'Where the job’s state is.' }) })
  .meta({ id: 'AcceptedJob' });

export class JobTracker {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly kept: number,
    private readonly logger: Logger,
    /** Told when a job starts, moves on or ends (the live stream). */
    private readonly onChange: (job: Job) => void = () => undefined,
  ) {}

  static url(jobId: string): string {
    return `/api/v1/jobs/${jobId}`;
  }

  /** Starts `work` as a job and answers 202 with its URL. */
  start(
    kind: JobKind,
    request: Record<string, unknown>,
    work: (progress: ProgressReport) => Promise<Record<string, number>>,
  ): JsonAnswer {
    const job: Job = {
      jobId: randomUUID(),
      kind,
      status: 'running',
      request,
      progress: { done: 0, total: 0 },
      result: null,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(job.jobId, job);
    for (const old of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - this.kept))) {
      if (this.jobs.get(old)?.status !== 'running') this.jobs.delete(old);
    }
    this.onChange(job);
    const progress: ProgressReport = (done, total) => {
      job.progress = { done, total };
      this.onChange(job);
    };
    void work(progress).then(
      (result) => {
        Object.assign(job, { status: 'succeeded', result, finishedAt: new Date().toISOString() });
        this.logger.info({ job }, 'job succeeded');
        this.onChange(job);
      },
      (err: unknown) => {
        Object.assign(job, {
          status: 'failed',
          error: describeError(err),
          finishedAt: new Date().toISOString(),
        });
        this.logger.warn({ job }, 'job failed');
        this.onChange(job);
      },
    );
    const url = JobTracker.url(job.jobId);
    return { status: 202, json: { jobId: job.jobId, url }, headers: { Location: url }, cache: 'no-store' };
  }

  list(): Job[] {
    return [...this.jobs.values()].reverse();
  }

  get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiProblem('not-found', `no job ${jobId} in this API process`);
    return job;
  }
}

export function jobRoutes(jobs: JobTracker): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/jobs',
      operationId: 'listJobs',
      summary: 'Replay and reprocess jobs of this API process, newest first',
      tags: ['operations'],
      role: 'read',
      responses: {
        200: {
          description: 'The jobs.',
          schema: z.object({ data: z.array(jobSchema) }).meta({ id: 'Jobs' }),
        },
      },
      async handle() {
        return { json: { data: jobs.list() }, cache: 'no-store' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/jobs/{jobId}',
      operationId: 'getJob',
      summary: 'One job: progress, then its counts or its error',
      tags: ['operations'],
      role: 'read',
      params: z.strictObject({ jobId: z.uuid() }),
      responses: { 200: { description: 'The job.', schema: jobSchema } },
      async handle({ params }) {
        return { json: jobs.get(params.jobId), cache: 'no-store' };
      },
    }),
  ];
}

export const reprocessBody = z
  .strictObject({
    pipeline: z.enum(['telemetry', 'pricing']),
    from: z
      .string()
      .max(4096)
      .regex(
        /^(earliest|\d+|\d+:\d+(,\d+:\d+)*|\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:?\d\d))$/i,
        'expected earliest, an ISO-8601 instant with offset, an offset, or partition:offset,…',
      )
      .meta({
        description:
          'Where to start: earliest, an ISO-8601 instant with offset, an offset for every partition, or partition:offset,…',
        example: '2026-11-21T08:00:00Z',
      }),
  })
  .meta({ id: 'Reprocess' });

export function reprocessRoute(actions: PipelineActions, jobs: JobTracker): RouteSpec {
  return defineRoute({
    method: 'post',
    path: '/api/v1/reprocess',
    operationId: 'reprocess',
    summary: 'Replay a raw topic from a time or offsets through the current stages, as a job',
    description:
      'The records from `from` up to the end the topic has now go through the processor’s stages again (a consumer group of its own); sinks keep each event once.',
    tags: ['operations'],
    role: 'admin',
    body: { schema: reprocessBody, contentTypes: ['application/json'], description: 'Pipeline and start.' },
    responses: { 202: { description: 'The reprocess started as a job.', schema: acceptedJob } },
    async handle({ body }) {
      return jobs.start('reprocess', { ...body }, async (progress) => ({
        ...(await actions.reprocess(body.pipeline, body.from, progress)),
      }));
    },
  });
}
