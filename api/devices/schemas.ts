import { z } from 'zod';
import {
  cursorParameter,
  deviceId,
  isoTime,
  listOf,
  pageInfo,
  pageLimit,
  plainText,
  siteId,
} from '../schemas.ts';

const label = plainText(256).trim().min(1);
const unit = z
  .string()
  .max(32)
  .regex(/^[A-Za-z0-9%/°._ -]+$/, 'expected a unit such as degC, kPa or m3/h');
const tagKey = plainText(128).min(1);
const tagValue = plainText(1024);

const fields = {
  siteId: siteId
    .nullable()
    .meta({ description: 'Site the device belongs to; readings without a site id get it.' }),
  siteName: label.nullable().meta({ description: 'Site display name.' }),
  deviceType: label.nullable().meta({ description: 'Device type, e.g. pt100-sensor.' }),
  latitude: z.number().min(-90).max(90).nullable().meta({ description: 'WGS84 degrees.' }),
  longitude: z.number().min(-180).max(180).nullable().meta({ description: 'WGS84 degrees.' }),
  expectedUnit: unit.nullable().meta({
    description: 'Unit the device should send; a reading in another unit is flagged unit_mismatch.',
  }),
};

export const device = z
  .object({
    deviceId: z.string(),
    ...fields,
    tags: z
      .record(z.string(), z.string())
      .meta({ description: 'Free-form tags, carried into every reading’s enrichment.' }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({
    id: 'Device',
    description: 'An entry of the device registry that the telemetry processor enriches readings from.',
  });

export type Device = z.infer<typeof device>;

const maxTags = 64;

const tags = z
  .record(tagKey, tagValue)
  .refine((all) => Object.keys(all).length <= maxTags, `at most ${maxTags} tags`);

/** PUT: the whole entry; a field left out is cleared. */
export const devicePut = z
  .strictObject({ ...fields, tags })
  .partial()
  .meta({ id: 'DevicePut', description: 'A registry entry as a whole: fields left out are cleared.' });

/** PATCH (JSON merge patch, RFC 7396): only the fields sent change; null clears a field or removes a tag. */
export const devicePatch = z
  .strictObject({
    ...fields,
    tags: z
      .record(tagKey, tagValue.nullable())
      .refine((all) => Object.keys(all).length <= maxTags, `at most ${maxTags} tags`)
      .meta({ description: 'Tags to set; a tag set to null is removed; tags not named stay.' }),
  })
  .partial()
  .meta({ id: 'DevicePatch', description: 'A JSON merge patch (RFC 7396) of a registry entry.' });

export type DevicePut = z.infer<typeof devicePut>;
export type DevicePatch = z.infer<typeof devicePatch>;

export const deviceParams = z.strictObject({ id: deviceId.meta({ description: 'Device id.' }) });

export const devicesQuery = z.strictObject({
  site: listOf(siteId, 100, 'Only devices of these sites.').optional(),
  type: listOf(label, 20, 'Only devices of these types.').optional(),
  prefix: plainText(128).optional().meta({ description: 'Only devices whose id starts with this.' }),
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

export const devicesPage = z.object({ data: z.array(device), page: pageInfo }).meta({ id: 'DevicesPage' });
