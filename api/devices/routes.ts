import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import type { DevicesService } from './devices-service.ts';
import { device, deviceParams, devicePatch, devicePut, devicesPage, devicesQuery } from './schemas.ts';

const tags = ['devices'];

function notFound(id: string): ApiProblem {
  return new ApiProblem('not-found', `no device ${JSON.stringify(id)} in the registry`);
}

export function deviceRoutes(devices: DevicesService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/devices',
      operationId: 'listDevices',
      summary: 'The device registry, by device id',
      tags,
      role: 'read',
      query: devicesQuery,
      responses: { 200: { description: 'A page of registry entries.', schema: devicesPage } },
      async handle({ query, request }) {
        const { limit, cursor, ...filter } = query;
        return pageAnswer(request, await devices.list(filter, limit, cursor));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/devices/{id}',
      operationId: 'getDevice',
      summary: 'One registry entry',
      tags,
      role: 'read',
      params: deviceParams,
      responses: { 200: { description: 'The entry.', schema: device } },
      async handle({ params }) {
        const found = await devices.get(params.id);
        if (!found) throw notFound(params.id);
        return { json: found };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/devices/{id}',
      operationId: 'putDevice',
      summary: 'Create or replace a registry entry',
      description:
        'The telemetry processor reloads the registry every PROCESSOR_TELEMETRY_DEVICE_REFRESH_MS (default 60 s): readings processed after that are enriched with the new entry, without a restart.',
      tags,
      role: 'admin',
      params: deviceParams,
      body: { schema: devicePut, contentTypes: ['application/json'], description: 'The whole entry.' },
      responses: {
        200: { description: 'The entry was replaced.', schema: device },
        201: { description: 'The entry was created.', schema: device },
      },
      async handle({ params, body }) {
        const { device: stored, created } = await devices.put(params.id, body);
        return { status: created ? 201 : 200, json: stored, cache: 'no-store' };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/devices/{id}',
      operationId: 'patchDevice',
      summary: 'Change some fields of a registry entry (JSON merge patch)',
      tags,
      role: 'admin',
      params: deviceParams,
      body: {
        schema: devicePatch,
        contentTypes: ['application/merge-patch+json', 'application/json'],
        description: 'The fields to change; null clears a field or removes a tag.',
      },
      responses: { 200: { description: 'The entry after the change.', schema: device } },
      async handle({ params, body }) {
        const changed = await devices.patch(params.id, body);
        if (!changed) throw notFound(params.id);
        return { json: changed, cache: 'no-store' };
      },
    }),
  ];
}
