import type { Command } from 'commander';
import { runComponents } from '../../lib/component.ts';
import { SluiceError } from '../../lib/errors.ts';
import { componentLogger } from '../../lib/logger.ts';
import { TelemetryProcessor } from '../../processors/telemetry/telemetry-processor.ts';

const pipelines = ['telemetry'] as const;

function processorFor(pipeline: string) {
  if (pipeline === 'telemetry') return new TelemetryProcessor();
  throw new SluiceError(
    'ING_CONFIG_INVALID',
    `unknown processor ${pipeline}: expected one of ${pipelines.join(', ')}`,
  );
}

export function registerProcessorsCommands(program: Command): void {
  program
    .command('process')
    .description('run a processor (raw topic → stages → normalized topic, exactly once) until Ctrl-C')
    .argument('<pipeline>', pipelines.join(' | '))
    .action(async (pipeline: string) => {
      const processor = processorFor(pipeline);
      await runComponents([processor], componentLogger('cli'), { graceMs: 15_000 });
    });
}
