// The live dashboard: one Server-Sent Events stream (/api/v1/stream) read with fetch, so the API
// key travels in a header (EventSource cannot send one). The key comes from the form (kept in this
// browser's localStorage) or once from the page's #key= fragment.

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat();
const rate = (value) => (value === null || value === undefined ? '–' : fmt.format(Math.round(value)));
const series = { raw: [], normalized: [] };
const historyPoints = 120;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function fill(tbody, rows, empty) {
  $(tbody).replaceChildren(...(rows.length > 0 ? rows : [row(cell(empty))]));
}

function svgElement(name, attributes) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function drawThroughput() {
  const chart = $('throughput-chart');
  const max = Math.max(1, ...series.raw, ...series.normalized);
  const line = (points, color) => {
    const step = 600 / (historyPoints - 1);
    const offset = historyPoints - points.length;
    const d = points
      .map(
        (v, i) =>
          `${i === 0 ? 'M' : 'L'}${((offset + i) * step).toFixed(1)},${(115 - (v / max) * 105).toFixed(1)}`,
      )
      .join(' ');
    return svgElement('path', {
      d: d || 'M0,115',
      fill: 'none',
      stroke: color,
      'stroke-width': 2,
      'vector-effect': 'non-scaling-stroke',
    });
  };
  const label = svgElement('text', { x: 4, y: 12, 'font-size': 11, fill: '#5b6b7c' });
  label.textContent = `max ${fmt.format(Math.round(max))}/s`;
  chart.replaceChildren(line(series.raw, '#e07b00'), line(series.normalized, '#1a5fb4'), label);
}

function sumRates(topics, prefix) {
  const rates = topics.filter((t) => t.topic.startsWith(prefix) && t.offsetsPerSecond !== null);
  return rates.length === 0 ? null : rates.reduce((sum, t) => sum + t.offsetsPerSecond, 0);
}

function showPipeline(p) {
  $('updated').textContent = `updated ${new Date(p.generatedAt).toLocaleTimeString()}`;
  $('error').textContent = p.kafka.reachable ? '' : `Kafka unreachable: ${p.kafka.error}`;
  const raw = sumRates(p.topics, 'raw.');
  const normalized = sumRates(p.topics, 'normalized.');
  $('ingest-rate').textContent = rate(raw);
  $('normalized-rate').textContent = rate(normalized);
  $('dlq-total').textContent = fmt.format(p.deadLetters.reduce((sum, d) => sum + d.count, 0));
  $('latency-p95').textContent =
    p.latency?.p95Ms == null ? '–' : `${fmt.format(Math.round(p.latency.p95Ms))} ms`;
  if (raw !== null) {
    series.raw = [...series.raw, raw].slice(-historyPoints);
    series.normalized = [...series.normalized, normalized ?? 0].slice(-historyPoints);
    drawThroughput();
  }
  fill(
    'topics',
    p.topics.map((t) =>
      row(
        cell(t.topic, 'wrap'),
        cell(rate(t.offsetsPerSecond), 'num'),
        cell(fmt.format(t.offsets.span), 'num'),
      ),
    ),
    'no topics',
  );
  fill(
    'components',
    p.components.map((c) =>
      row(
        cell(c.name),
        cell(c.state, c.state),
        cell(rate(c.eventsInPerSecond), 'num'),
        cell(rate(c.eventsOutPerSecond), 'num'),
      ),
    ),
    'no components in this process',
  );
  const lag = new Map();
  for (const l of p.consumerLag) {
    const key = `${l.group}\n${l.topic}`;
    const total = lag.get(key) ?? { group: l.group, topic: l.topic, lag: 0, partitions: 0 };
    total.lag += l.lag;
    total.partitions += 1;
    lag.set(key, total);
  }
  fill(
    'lag',
    [...lag.values()].map((l) =>
      row(
        cell(l.group, 'wrap'),
        cell(l.topic, 'wrap'),
        cell(fmt.format(l.lag), 'num'),
        cell(String(l.partitions), 'num'),
      ),
    ),
    'no consumer groups',
  );
  fill(
    'dead-letters',
    p.deadLetters.map((d) =>
      row(cell(d.topic, 'wrap'), cell(d.stage), cell(d.reason), cell(fmt.format(d.count), 'num')),
    ),
    'no dead letters',
  );
}

function showReadings(readings) {
  const sites = new Map();
  for (const r of readings) {
    const site = r.siteId ?? '(no site)';
    sites.set(site, [...(sites.get(site) ?? []), r]);
  }
  $('readings').replaceChildren(
    ...[...sites].slice(0, 12).map(([site, list]) => {
      const block = document.createElement('div');
      block.className = 'site';
      const title = document.createElement('h3');
      title.textContent = site;
      const wrap = document.createElement('div');
      wrap.className = 'scroll';
      const table = document.createElement('table');
      table.append(
        ...list
          .slice(0, 8)
          .map((r) =>
            row(
              cell(r.deviceId, 'wrap'),
              cell(r.metric),
              cell(`${fmt.format(r.value)} ${r.unit}`, 'num'),
              cell(new Date(r.sourceTime).toLocaleTimeString()),
            ),
          ),
      );
      wrap.append(table);
      block.append(title, wrap);
      return block;
    }),
  );
  if (sites.size === 0) $('readings').textContent = 'no readings yet';
}

function showPrices(prices) {
  const chart = $('price-chart');
  const barHeight = 18;
  const height = Math.max(1, prices.length) * (barHeight + 4);
  chart.setAttribute('viewBox', `0 0 400 ${height}`);
  chart.style.height = `${height}px`;
  const max = Math.max(...prices.map((p) => p.usdPerHour), 0.0001);
  chart.replaceChildren(
    ...prices.flatMap((p, i) => {
      const y = i * (barHeight + 4);
      const bar = svgElement('rect', {
        class: `bar ${p.provider}`,
        x: 130,
        y,
        height: barHeight,
        width: Math.max(1, (p.usdPerHour / max) * 200),
      });
      const name = svgElement('text', { x: 0, y: y + 13, 'font-size': 11, fill: '#1d2733' });
      name.textContent = `${p.provider} ${p.region}`.slice(0, 22);
      const value = svgElement('text', {
        x: 134 + (p.usdPerHour / max) * 200,
        y: y + 13,
        'font-size': 11,
        fill: '#5b6b7c',
      });
      value.textContent = `$${p.usdPerHour.toFixed(4)}`;
      return [bar, name, value];
    }),
  );
  if (prices.length === 0) {
    const none = svgElement('text', { x: 0, y: 14, 'font-size': 12, fill: '#5b6b7c' });
    none.textContent = 'no prices collected yet';
    chart.replaceChildren(none);
  }
}

function showCollections(runs) {
  fill(
    'collections',
    runs.map((r) =>
      row(
        cell(r.runId, 'wrap'),
        cell(r.status, r.status),
        cell(fmt.format(r.published), 'num'),
        cell(r.normalized === null ? '–' : fmt.format(r.normalized), 'num'),
        cell(r.deadLettered === null ? '–' : fmt.format(r.deadLettered), 'num'),
        cell(new Date(r.startedAt).toLocaleString()),
      ),
    ),
    'no collection runs',
  );
}

const handlers = {
  pipeline: showPipeline,
  readings: showReadings,
  prices: showPrices,
  collections: showCollections,
};

function status(text, state) {
  $('status').textContent = text;
  $('status').className = state;
}

/** Reads the event stream until it ends; returns whether the key was refused. */
async function listen(key) {
  const response = await fetch('/api/v1/stream', {
    headers: { 'X-API-Key': key, Accept: 'text/event-stream' },
  });
  if (response.status === 401 || response.status === 403) {
    const problem = await response.json();
    $('error').textContent = problem.detail;
    return true;
  }
  if (!response.ok || !response.body) throw new Error(`the stream answered ${response.status}`);
  status('live', 'ready');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data && handlers[event]) handlers[event](JSON.parse(data));
    }
  }
}

async function connect() {
  const key = localStorage.getItem('sluiceKey');
  $('key-form').hidden = Boolean(key);
  if (!key) return;
  for (;;) {
    try {
      if (await listen(key)) {
        localStorage.removeItem('sluiceKey');
        $('key-form').hidden = false;
        status('not connected', 'down');
        return;
      }
    } catch (err) {
      $('error').textContent = `API unreachable: ${err.message}`;
    }
    status('reconnecting', 'degraded');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

const fragmentKey = /(?:^#|&)key=([^&]+)/.exec(location.hash)?.[1];
if (fragmentKey) {
  localStorage.setItem('sluiceKey', decodeURIComponent(fragmentKey));
  window.history.replaceState(null, '', location.pathname);
}
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem('sluiceKey', $('key').value.trim());
  $('error').textContent = '';
  void connect();
});
void connect();
