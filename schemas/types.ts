// Generated from schemas/*.avsc by `sluice schemas codegen`. Do not edit.

/** An event that can never be processed as it is (poison), kept byte for byte with why it failed, on dlq.<source topic>. Replay re-publishes value to originalTopic. */
export interface DeadLetter {
  /** Topic the event was read from. */
  originalTopic: string;
  /** Partition it was read from. */
  originalPartition: number;
  /** Offset it was read from. */
  originalOffset: number;
  /** Kafka timestamp of the original record. */
  originalTimestamp: null | number;
  /** Original key bytes. */
  key: null | Buffer;
  /** Original value bytes (Confluent framing included). */
  value: null | Buffer;
  /** Original headers (values as UTF-8). */
  headers: Record<string, string>;
  /** Component that rejected it (e.g. telemetry-processor). */
  component: string;
  /** Stage that rejected it (decode, validate, normalize, enrich, …). */
  stage: string;
  /** Machine-readable reason (e.g. ING_SERDE_INVALID, value_not_finite, unit_unknown). */
  reasonCode: string;
  /** Human-readable explanation. */
  message: string;
  /** When it first failed, UTC epoch milliseconds. */
  firstFailedAt: number;
  /** How many times processing was attempted. */
  attempts: number;
  /** Trace id, when the event could be read far enough to find it. */
  traceId: null | string;
  /** Set when a producer refused a message before it became a Kafka event: where it came from (mqtt:<topic>, opcua:<endpoint>#<node id>, modbus:<host>:<port>/<unit>/<table>/<address>). Then value holds the message's original bytes, headers its transport attributes, originalTopic the raw topic it was meant for, originalPartition and originalOffset -1; such a letter is not replayable. */
  source: null | string;
}

/** Cloud provider. */
export type CloudProvider = 'aws' | 'azure';

/** GENERAL=General, NETWORKING=Networking, COMPUTE_WEB=Compute & Web, CONTAINERS=Containers, DATABASES=Databases, STORAGE=Storage, AI_ML=AI & ML, ANALYTICS_IOT=Analytics & IoT, VIRTUAL_DESKTOP=Virtual Desktop, DEV_TOOLS=Dev Tools, INTEGRATION=Integration, MIGRATION=Migration, MANAGEMENT=Management. */
export type ServiceCategory = 'GENERAL' | 'NETWORKING' | 'COMPUTE_WEB' | 'CONTAINERS' | 'DATABASES' | 'STORAGE' | 'AI_ML' | 'ANALYTICS_IOT' | 'VIRTUAL_DESKTOP' | 'DEV_TOOLS' | 'INTEGRATION' | 'MIGRATION' | 'MANAGEMENT';

/** Kind of price. */
export type PriceType = 'on_demand' | 'reservation' | 'spot' | 'savings_plan' | 'dev_test';

/** Lineage */
export interface Lineage {
  /** Raw topic. */
  topic: string;
  /** Raw partition. */
  partition: number;
  /** Raw offset. */
  offset: number;
}

/** One cloud price, comparable across providers: service category, normalized region, canonical unit, USD. Public contract: evolves FULL_TRANSITIVE only. Key: provider|sku|region. */
export interface PriceRecord {
  /** Same id as the raw offer it came from. */
  eventId: string;
  /** Cloud provider. */
  provider: CloudProvider;
  /** Service name as the provider names it (AWS service code, Azure serviceName). */
  service: string;
  /** One of the 13 service categories. */
  category: ServiceCategory;
  /** Normalized region (e.g. us-east for us-east-1, eastus and US East; global when none). */
  region: string;
  /** Region display name (e.g. US East). */
  regionName: string;
  /** Region as the provider named it. */
  originalRegion: null | string;
  /** Natural key of the price within the provider (same as the raw offer). */
  sku: string;
  /** Product / SKU display name (Azure productName + skuName, AWS instance type or usage type). */
  product: null | string;
  /** Price per canonical unit in USD, exact decimal (scale 12). */
  pricePerUnitUsd: string;
  /** Canonical unit: hour, GB-month, GB, request, 1M requests, … (see README). */
  unit: string;
  /** Price as listed, in originalCurrency per originalUnit. */
  originalAmount: string;
  /** ISO 4217 currency of originalAmount. */
  originalCurrency: string;
  /** Unit as listed (e.g. '1 Hour', '100 Hours', 'GB-Mo', '10K'). */
  originalUnit: string;
  /** Kind of price. */
  priceType: PriceType;
  /** Commitment term for reservations and savings plans (e.g. 1yr No Upfront, 3 Years). */
  term: null | string;
  /** Usage (in the canonical unit) from which this tier's price applies; 0 for untiered prices. */
  tierStart: number;
  /** When the price took effect, UTC epoch milliseconds. */
  effectiveFrom: number;
  /** Collection run that fetched it. */
  collectionId: string;
  /** When it was fetched, UTC epoch milliseconds. */
  fetchedAt: number;
  /** When the processor normalized it, UTC epoch milliseconds. */
  processedAt: number;
  /** Where the raw event was read from. */
  lineage: Lineage;
  /** Trace id carried from collection. */
  traceId: null | string;
}

/** Protocol the reading arrived by. */
export type TelemetrySource = 'http' | 'mqtt' | 'opcua' | 'modbus' | 'file';

/** measured: a known device reported it fresh; estimated: usable with caveats; rough: stale, unknown device or imprecise. */
export type QualityLevel = 'measured' | 'estimated' | 'rough';

/** Quality */
export interface Quality {
  /** Quality level. */
  level: QualityLevel;
  /** 0 (worthless) to 1 (fully trusted), from precision, staleness and enrichment completeness. */
  score: number;
  /** Reasons that lowered the score (unknown_device, stale, clock_skew, unit_mismatch, bad_status, …). */
  flags: string[];
}

/** Enrichment */
export interface Enrichment {
  /** False when the device is not in the registry (the reading is kept and flagged). */
  known: boolean;
  /** Site display name. */
  siteName: null | string;
  /** Device type (e.g. pt100-sensor, flow-meter). */
  deviceType: null | string;
  /** Device latitude, WGS84 degrees. */
  latitude: null | number;
  /** Device longitude, WGS84 degrees. */
  longitude: null | number;
  /** Free-form registry tags. */
  tags: Record<string, string>;
}

/** A validated reading in canonical units and UTC, enriched from the device registry and scored. Public contract: evolves FULL_TRANSITIVE only. Key: deviceId. */
export interface TelemetryReading {
  /** Same id as the raw event it came from; unique per reading. */
  eventId: string;
  /** Protocol the reading arrived by. */
  source: TelemetrySource;
  /** Device identifier. */
  deviceId: string;
  /** Site identifier: as sent, else from the device registry; null when neither knows it. */
  siteId: null | string;
  /** Canonical metric name (snake_case, e.g. temperature, pressure, flow_rate, energy, power). */
  metric: string;
  /** Value in the canonical unit. */
  value: number;
  /** Canonical unit: degC, K, kPa, m3/s, kWh, kW, V, A, Hz, %, … (see README, units table). */
  unit: string;
  /** Value as sent, before unit conversion. */
  originalValue: null | number;
  /** Unit as sent. */
  originalUnit: null | string;
  /** When the reading was taken, UTC epoch milliseconds (receivedAt when the device sent no time). */
  sourceTime: number;
  /** When Sluice received it, UTC epoch milliseconds. */
  receivedAt: number;
  /** When the processor normalized it, UTC epoch milliseconds. */
  processedAt: number;
  /** How far to trust the value. */
  quality: Quality;
  /** What the device registry knows about the device. */
  enrichment: Enrichment;
  /** Where the raw event was read from. */
  lineage: Lineage;
  /** Trace id carried from ingest. */
  traceId: null | string;
}

/** Cloud provider. */
export type CollectionProvider = 'aws' | 'azure';

/** Run status. */
export type CollectionRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** State of a price collection run, published when it starts, progresses, resumes and ends. Key: runId. */
export interface CollectionRunEvent {
  /** Id of the collection run (collectionId of its raw.pricing.offers.v1 events). */
  runId: string;
  /** Cloud provider collected. */
  provider: CollectionProvider;
  /** Filters of the run as given (service, region, price type, currency, source). */
  filters: Record<string, string>;
  /** Status when the event was published. */
  status: CollectionRunStatus;
  /** Pages (or offer-file chunks) completed so far. */
  pages: number;
  /** Price items read so far. */
  items: number;
  /** Items Kafka acknowledged so far. */
  published: number;
  /** Pages that failed (each recorded with its error). */
  failed: number;
  /** Published items per second of the latest attempt. */
  itemsPerSecond: null | number;
  /** When the run was created (UTC, epoch milliseconds). */
  startedAt: number;
  /** When the run ended; null while running. */
  finishedAt: null | number;
  /** Why the run failed or was cancelled. */
  error: null | string;
  /** When this event was published. */
  emittedAt: number;
}

/** One price item exactly as a cloud price list returned it. Key: provider|sku|region. */
export interface RawPriceOffer {
  /** Deterministic id: hex SHA-256 prefix of provider, natural key and the item's effective date, so re-collecting the same price gives the same id. */
  eventId: string;
  /** Cloud provider. */
  provider: CloudProvider;
  /** Id of the collection run that fetched the item. */
  collectionId: string;
  /** Natural key of the price: Azure meterId/skuId/type/reservationTerm/tierMinimumUnits; AWS sku/offerTermCode/rateCode. */
  sku: string;
  /** Region as the provider names it (armRegionName, AWS regionCode or location); null for global prices. */
  region: null | string;
  /** The original item, verbatim JSON text (Azure Items[] element; AWS product with its term and price dimension). */
  item: string;
  /** URL of the page or offer file the item came from. */
  sourceUrl: null | string;
  /** When the item was fetched (UTC, epoch milliseconds). */
  fetchedAt: number;
  /** Collection context: page number, NextPageLink, offer file, byte offset, api version. */
  attributes: Record<string, string>;
  /** Trace id (32 hex characters) carried through every stage. */
  traceId: null | string;
}

/** One reading as a device or collector sent it. Producers parse only enough to find device, metric, value, unit and time; validation happens in processors. Key: deviceId. */
export interface RawTelemetryReading {
  /** Deterministic id: hex SHA-256 prefix of source, natural key (device, metric, message id) and source time, so a re-sent reading gets the same id end to end. */
  eventId: string;
  /** Protocol the reading arrived by. */
  source: TelemetrySource;
  /** Device identifier as sent. */
  deviceId: string;
  /** Site identifier as sent, when the protocol carries one. */
  siteId: null | string;
  /** Metric name as sent (e.g. temperature, Temp_F, pressure). */
  metric: string;
  /** Numeric value as sent; null when the payload held no number (the processor rejects it with the original kept). */
  value: null | number;
  /** Unit as sent (e.g. degF, psi, m3/h); null when none was given. */
  unit: null | string;
  /** Device time exactly as sent: epoch seconds, milliseconds or microseconds, or ISO-8601 with offset. Null when the device sent none (receivedAt applies). */
  sourceTime: null | string;
  /** When Sluice received the reading (UTC, epoch milliseconds). */
  receivedAt: number;
  /** Device-supplied message id or Idempotency-Key, part of the eventId. */
  messageId: null | string;
  /** Format of payload: application/json, text/csv, application/x-ndjson, text/plain, application/vnd.opcua.datavalue+json, application/vnd.modbus.registers+json. */
  contentType: string;
  /** The original payload of this reading, byte for byte. */
  payload: Buffer;
  /** Transport context: MQTT topic, OPC UA node id and status code, Modbus unit and register, HTTP client address, file and line. */
  attributes: Record<string, string>;
  /** Trace id (32 hex characters) carried through every stage. */
  traceId: null | string;
}
