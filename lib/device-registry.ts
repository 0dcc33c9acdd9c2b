/**
 * The device registry (PostgreSQL `devices`): the telemetry processor enriches readings from it,
 * the API reads and changes it. Its row and record shapes are defined here, once.
 */

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

export interface DeviceRow {
  device_id: string;
  site_id: string | null;
  site_name: string | null;
  device_type: string | null;
  latitude: number | null;
  longitude: number | null;
  expected_unit: string | null;
  tags: Record<string, unknown> | null;
}

/** The columns of a DeviceRow, for SELECT lists. */
export const deviceColumns =
  'device_id, site_id, site_name, device_type, latitude, longitude, expected_unit, tags';

/** A row as a record; tag values that are not strings (written by hand) become their JSON text. */
export function deviceRecord(row: DeviceRow): DeviceRecord {
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(row.tags ?? {})) {
    tags[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return {
    deviceId: row.device_id,
    siteId: row.site_id,
    siteName: row.site_name,
    deviceType: row.device_type,
    latitude: row.latitude,
    longitude: row.longitude,
    expectedUnit: row.expected_unit,
    tags,
  };
}
