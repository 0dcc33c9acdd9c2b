/**
 * A topic template such as `sites/{siteId}/devices/{deviceId}/metrics/{metric#}`: the
 * subscription filter it stands for (`sites/+/devices/+/metrics/#`) and how a topic maps back
 * to site, device and metric.
 */
export interface TopicTemplate {
  template: string;
  filter: string;
  match(topic: string): TopicFields | undefined;
}

export interface TopicFields {
  deviceId: string;
  metric: string;
  siteId: string | null;
}

const fieldNames = ['deviceId', 'metric', 'siteId'] as const;
type FieldName = (typeof fieldNames)[number];

type Segment = { literal: string } | { field: FieldName; rest: boolean };

export function compileTopicTemplate(template: string): TopicTemplate {
  const segments: Segment[] = template.split('/').map((part, index, parts) => {
    const placeholder = /^\{(\w+)(#)?\}$/.exec(part);
    if (!placeholder) {
      if (/[{}+#]/.test(part)) {
        throw new Error(`topic template "${template}": "${part}" must be a literal or a whole {placeholder}`);
      }
      return { literal: part };
    }
    const field = placeholder[1] as FieldName;
    if (!fieldNames.includes(field)) {
      throw new Error(
        `topic template "${template}": unknown placeholder {${field}}; use ${fieldNames.join(', ')}`,
      );
    }
    const rest = placeholder[2] === '#';
    if (rest && index !== parts.length - 1) {
      throw new Error(`topic template "${template}": {${field}#} must be the last segment`);
    }
    return { field, rest };
  });
  const named = segments.flatMap((s) => ('field' in s ? [s.field] : []));
  if (!named.includes('deviceId') || !named.includes('metric')) {
    throw new Error(`topic template "${template}" must contain {deviceId} and {metric}`);
  }
  const filter = segments.map((s) => ('literal' in s ? s.literal : s.rest ? '#' : '+')).join('/');
  const hasRest = segments.some((s) => 'field' in s && s.rest);
  return {
    template,
    filter,
    // walks the topic segment by segment (indexOf, no split): it runs for every MQTT message
    match(topic: string) {
      let deviceId: string | undefined;
      let metric: string | undefined;
      let siteId: string | null = null;
      let start = 0;
      for (const segment of segments) {
        if (start > topic.length) return undefined; // fewer segments than the template
        const slash = topic.indexOf('/', start);
        const end = slash === -1 ? topic.length : slash;
        if ('literal' in segment) {
          if (end - start !== segment.literal.length || !topic.startsWith(segment.literal, start))
            return undefined;
        } else {
          const value = segment.rest ? topic.slice(start) : topic.slice(start, end);
          if (!value) return undefined;
          if (segment.field === 'deviceId') deviceId = value;
          else if (segment.field === 'metric') metric = value;
          else siteId = value;
        }
        start = end + 1;
      }
      // more segments than the template, without a {field#} to take them
      if (!hasRest && start <= topic.length) return undefined;
      return { deviceId: deviceId as string, metric: metric as string, siteId };
    },
  };
}
