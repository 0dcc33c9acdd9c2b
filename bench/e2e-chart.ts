/** The figures of an end-to-end run as an SVG chart (docs/performance.md shows bench/results/e2e.svg). */

export interface E2eFigures {
  at: string;
  sustained: { endToEnd: number };
  burst: { gatewayAcknowledged: number; normalized: number; postgres: number; clickhouse: number };
  latencyAt5000PerSecondMs: Record<'clickhouse' | 'postgres', { p50: number; p95: number; p99: number }>;
  memory: Record<string, { idleMiB: number; minuteAfterBurstMiB: number }>;
  resources: { at5000PerSecond: Record<string, { peakMiB: number; cpuCores: number }> };
  kafka: { producerRecordsPerSecond: number; consumerRecordsPerSecond: number };
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars, each labelled with its value, scaled to the largest. */
function bars(
  title: string,
  rows: [string, number, string][],
  top: number,
  options: { target?: [number, string] } = {},
): { svg: string; height: number } {
  const left = 300;
  const width = 420;
  const max = Math.max(
    ...rows.map(([, value]) => (Number.isFinite(value) ? value : 0)),
    options.target?.[0] ?? 0,
    1,
  );
  const parts = [`<text x="10" y="${top + 16}" font-weight="bold">${xmlText(title)}</text>`];
  rows.forEach(([label, value, unit], i) => {
    const y = top + 28 + i * 24;
    const w = Number.isFinite(value) ? Math.max(1, (value / max) * width) : 0;
    parts.push(
      `<text x="${left - 8}" y="${y + 13}" text-anchor="end">${xmlText(label)}</text>`,
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="16" fill="${label.startsWith('Kafka') ? '#9aa5b1' : '#2f6fba'}"/>`,
      `<text x="${left + w + 6}" y="${y + 13}">${xmlText(`${Number.isFinite(value) ? value.toLocaleString('en-US') : 'n/a'} ${unit}`)}</text>`,
    );
  });
  if (options.target) {
    const x = left + (options.target[0] / max) * width;
    const bottom = top + 28 + rows.length * 24;
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${top + 24}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#c0392b" stroke-dasharray="4 3"/>`,
      `<text x="${x.toFixed(1)}" y="${bottom + 14}" fill="#c0392b" text-anchor="middle">${xmlText(options.target[1])}</text>`,
    );
  }
  return { svg: parts.join('\n'), height: 28 + rows.length * 24 + (options.target ? 26 : 10) };
}

export function chart(figures: E2eFigures): string {
  const sections = [
    (top: number) =>
      bars(
        'Throughput (events/s): a 60 s burst per stage, and the rate both sinks sustain',
        [
          ['Kafka ProducerPerformance', figures.kafka.producerRecordsPerSecond, '/s'],
          ['Kafka ConsumerPerformance', figures.kafka.consumerRecordsPerSecond, '/s'],
          ['burst: gateway acknowledged', figures.burst.gatewayAcknowledged, '/s'],
          ['burst: processor (normalized topic)', figures.burst.normalized, '/s'],
          ['burst: PostgreSQL rows', figures.burst.postgres, '/s'],
          ['burst: ClickHouse rows', figures.burst.clickhouse, '/s'],
          ['sustained end to end (both sinks, 60 s)', figures.sustained.endToEnd, '/s'],
        ],
        top,
        { target: [30_000, 'target 30,000/s'] },
      ),
    (top: number) =>
      bars(
        'Gateway 202 → row visible, at 5,000 events/s (ms)',
        [
          ['ClickHouse p50', figures.latencyAt5000PerSecondMs.clickhouse.p50, 'ms'],
          ['ClickHouse p95', figures.latencyAt5000PerSecondMs.clickhouse.p95, 'ms'],
          ['ClickHouse p99', figures.latencyAt5000PerSecondMs.clickhouse.p99, 'ms'],
          ['PostgreSQL p50', figures.latencyAt5000PerSecondMs.postgres.p50, 'ms'],
          ['PostgreSQL p95', figures.latencyAt5000PerSecondMs.postgres.p95, 'ms'],
          ['PostgreSQL p99', figures.latencyAt5000PerSecondMs.postgres.p99, 'ms'],
        ],
        top,
        { target: [2000, 'target p99 ≤ 2,000 ms (ClickHouse)'] },
      ),
    (top: number) =>
      bars(
        'Resident memory at 5,000 events/s, peak (MiB)',
        [
          ...Object.entries(figures.resources.at5000PerSecond).map(
            ([name, r]) => [name, r.peakMiB, `MiB, ${r.cpuCores} cores`] as [string, number, string],
          ),
          ...Object.entries(figures.memory).map(
            ([name, m]) =>
              [`${name} idle → 1 min after a burst`, m.minuteAfterBurstMiB, `MiB (idle ${m.idleMiB})`] as [
                string,
                number,
                string,
              ],
          ),
        ],
        top,
        { target: [300, 'Node limit 300 MiB'] },
      ),
  ];
  let top = 40;
  const parts: string[] = [];
  for (const section of sections) {
    const drawn = section(top);
    parts.push(drawn.svg);
    top += drawn.height + 16;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${top}" font-family="sans-serif" font-size="12" role="img">
<title>Sluice end to end: throughput against Kafka's own tools, latency to visible rows, memory per process</title>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">Sluice end to end (npm run bench e2e), ${xmlText(figures.at.slice(0, 16).replace('T', ' '))} UTC</text>
${parts.join('\n')}
</svg>
`;
}
