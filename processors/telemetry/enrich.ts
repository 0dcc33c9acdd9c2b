import type { Enrichment } from '../../schemas/types.ts';
import type { NormalizedReading } from './normalize.ts';
import { findUnit } from './units.ts';

/** One row of the device registry (PostgreSQL `devices`). */
export interface DeviceRecord {
  deviceId: string;
  siteId: string | null;
  siteName: string | null;
  deviceType: string | null;
  latitude: number | null;
  longitude: number | null;
  expectedUnit: string | null;
  tags: Record<string, string>;
}

export type DeviceLookup = (deviceId: string) => DeviceRecord | undefined;

export type EnrichedReading = NormalizedReading & { enrichment: Enrichment };

const unknownDevice: Enrichment = {
  known: false,
  siteName: null,
  deviceType: null,
  latitude: null,
  longitude: null,
  tags: {},
};

/**
 * Adds what the registry knows about the device. An unknown device is kept and flagged; a unit
 * other than the registry expects, or a site other than the registry's, is flagged too.
 */
export function enrich(reading: NormalizedReading, lookup: DeviceLookup): EnrichedReading {
  const device = lookup(reading.deviceId);
  if (!device) {
    return { ...reading, flags: [...reading.flags, 'unknown_device'], enrichment: unknownDevice };
  }
  const flags = [...reading.flags];
  if (reading.siteId !== null && device.siteId !== null && reading.siteId !== device.siteId) {
    flags.push('site_mismatch');
  }
  if (device.expectedUnit !== null && reading.originalUnit !== null) {
    const expected = findUnit(device.expectedUnit);
    if (!expected || expected !== findUnit(reading.originalUnit)) flags.push('unit_mismatch');
  }
  return {
    ...reading,
    siteId: reading.siteId ?? device.siteId,
    flags,
    enrichment: {
      known: true,
      siteName: device.siteName,
      deviceType: device.deviceType,
      latitude: device.latitude,
      longitude: device.longitude,
      tags: device.tags,
    },
  };
}
