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
  return {
    template,
    filter,
    match(topic: string) {
      const parts = topic.split('/');
      const fields: Partial<Record<FieldName, string>> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as Segment;
        if ('literal' in segment) {
          if (parts[i] !== segment.literal) return undefined;
          continue;
        }
        const value = segment.rest ? parts.slice(i).join('/') : parts[i];
        if (!value) return undefined;
        fields[segment.field] = value;
      }
      if (!segments.some((s) => 'field' in s && s.rest) && parts.length !== segments.length) return undefined;
      return {
        deviceId: fields.deviceId as string,
        metric: fields.metric as string,
        siteId: fields.siteId ?? null,
      };
    },
  };
}
