import { findUnit } from '../../lib/telemetry/units.ts';
import type { Enrichment } from '../../schemas/types.ts';
import type { NormalizedReading } from './normalize.ts';

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

/** What enrichment adds to a normalized reading: the site (sent, else the registry's) and registry facts. */
export interface Enriched {
  siteId: string | null;
  enrichment: Enrichment;
  /** Flags raised here: unknown_device, site_mismatch, unit_mismatch. */
  flags: string[];
}

const unknownDevice: Enrichment = {
  known: false,
  siteName: null,
  deviceType: null,
  latitude: null,
  longitude: null,
  tags: {},
};

/**
 * Looks the device up in the registry. An unknown device is kept and flagged; a unit other than
 * the registry expects, or a site other than the registry's, is flagged too.
 */
export function enrich(
  reading: Pick<NormalizedReading, 'deviceId' | 'siteId' | 'originalUnit'>,
  lookup: DeviceLookup,
): Enriched {
  const device = lookup(reading.deviceId);
  if (!device) return { siteId: reading.siteId, enrichment: unknownDevice, flags: ['unknown_device'] };
  const flags: string[] = [];
  if (reading.siteId !== null && device.siteId !== null && reading.siteId !== device.siteId) {
    flags.push('site_mismatch');
  }
  if (device.expectedUnit !== null && reading.originalUnit !== null) {
    const expected = findUnit(device.expectedUnit);
    if (!expected || expected !== findUnit(reading.originalUnit)) flags.push('unit_mismatch');
  }
  return {
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
