import { z } from 'zod';
import { defineSettings, port, positiveInt, type SettingsOf, setting, str } from '../../lib/config.ts';

export const registerTypes = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
export const byteOrders = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

export const registerSpec = z
  .object({
    deviceId: z.string().min(1),
    metric: z.string().min(1),
    siteId: z.string().min(1).optional(),
    unit: z.string().min(1).optional(),
    table: z.enum(['holding', 'input']).default('holding'),
    address: z.number().int().min(0).max(65535),
    type: z.enum(registerTypes).default('uint16'),
    /** Byte order of the value across its registers: ABCD big-endian, CDAB word-swapped, BADC byte-swapped, DCBA little-endian. */
    byteOrder: z.enum(byteOrders).default('ABCD'),
    scale: z.number().finite().default(1),
    offset: z.number().finite().default(0),
  })
  .strict();

export type RegisterSpec = z.output<typeof registerSpec>;

const registerList = z.string().transform((text, ctx): RegisterSpec[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a JSON array of registers: ${(err as Error).message}`,
    });
    return [];
  }
  const result = z.array(registerSpec).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `register ${issue?.path.join('.')}: ${issue?.message}` });
    return [];
  }
  return result.data;
});

export const modbusSettings = defineSettings('modbus poller', {
  host: setting('MODBUS_HOST', str, '127.0.0.1', 'Modbus TCP device or gateway to poll.'),
  port: setting('MODBUS_PORT', port, '502', 'Modbus TCP port.'),
  unitId: setting(
    'MODBUS_UNIT_ID',
    z.string().transform(Number).pipe(z.number().int().min(0).max(255)),
    '1',
    'Modbus unit (slave) id.',
  ),
  registers: setting(
    'MODBUS_REGISTERS',
    registerList,
    '[]',
    'JSON array of {deviceId, metric, unit?, siteId?, table: holding|input, address, type: int16|uint16|int32|uint32|float32, byteOrder: ABCD|CDAB|BADC|DCBA, scale, offset}; empty disables the poller.',
  ),
  pollIntervalMs: setting(
    'MODBUS_POLL_INTERVAL_MS',
    positiveInt,
    '1000',
    'Time between the starts of two polls.',
  ),
  timeoutMs: setting('MODBUS_TIMEOUT_MS', positiveInt, '2000', 'Timeout of one register read.'),
});

export type ModbusSettings = SettingsOf<typeof modbusSettings>;
