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

/** One cloud price, comparable across providers: service category, Sluice region, canonical unit, USD. Public contract: evolves FULL_TRANSITIVE only. Key: the price's identity, provider|sku|region|originalCurrency|priceType|term|purchaseOption|tierStart (empty for null), so a price in another currency, type, term, purchase option or tier never replaces this one. */
export interface PriceRecord {
  /** Same id as the raw offer it came from. */
  eventId: string;
  /** Cloud provider. */
  provider: CloudProvider;
  /** Service name as the provider names it (AWS service code, Azure serviceName). */
  service: string;
  /** One of the 13 service categories. */
  category: ServiceCategory;
  /** Sluice region id from the region table (schemas/pricing/regions.json): one place, e.g. us-virginia for AWS us-east-1 and Azure eastus/eastus2; global for prices without a region and billing zones; <provider>:<code> when the table does not know the provider's code (regionMapped false). */
  region: string;
  /** Name of the Sluice region's place (e.g. Virginia, US); the provider's own name when unmapped. */
  regionName: string;
  /** The provider's region code (AWS regionCode, Azure armRegionName), or its location name when the item has no code. */
  originalRegion: null | string;
  /** Natural key of the price within the provider (same as the raw offer). */
  sku: string;
  /** Product / SKU display name (Azure productName + skuName, AWS instance type or usage type). */
  product: null | string;
  /** Price per canonical unit in USD, exact decimal (scale 12). */
  pricePerUnitUsd: string;
  /** Canonical unit: hour, GB-month, GB, GB-hour, GB-second, vCPU-hour, 1M requests, count, day, month, year, one-time (see docs/processors.md). */
  unit: string;
  /** Price as listed, in originalCurrency per originalUnit. */
  originalAmount: string;
  /** ISO 4217 currency of originalAmount. */
  originalCurrency: string;
  /** Unit as listed (e.g. '1 Hour', '100 Hours', 'GB-Mo', '10K'). */
  originalUnit: string;
  /** Kind of price. */
  priceType: PriceType;
  /** Commitment term of reservations and savings plans, the same spelling for every provider: 1 Year, 3 Years, 5 Years; null for on-demand, spot and dev/test. */
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
  /** How a reservation is paid (AWS PurchaseOption: No Upfront, Partial Upfront, All Upfront); null when the provider lists none. Part of the identity. */
  purchaseOption: null | string;
  /** AWS reservation offering class: standard or convertible; null otherwise. */
  offeringClass: null | string;
  /** Usage (canonical unit) where this tier ends; null when open-ended or not listed. */
  tierEnd: null | number;
  /** True when the listed amount is for a whole term (an AWS upfront fee, an Azure reservation) and pricePerUnitUsd spreads it over the term's hours; originalAmount keeps the listed amount. */
  amortized: boolean;
  /** USD per one originalCurrency used to compute pricePerUnitUsd (1 for USD). */
  usdRate: null | string;
  /** Date of usdRate, YYYY-MM-DD (PROCESSOR_PRICING_USD_RATES_DATE). */
  usdRateDate: null | string;
  /** False when the region table does not know the provider's region: region is then <provider>:<code>, never a guess. */
  regionMapped: boolean;
  /** The provider's display name of the region (Azure location, AWS location), as listed. */
  providerRegionName: null | string;
  /** Instance or VM size (AWS instanceType, Azure armSkuName). */
  instanceType: null | string;
  /** vCPUs of the instance (AWS vcpu); null when the provider does not list it (Azure). */
  vcpu: null | number;
  /** Memory of the instance in GiB (AWS memory); null when not listed (Azure). */
  memoryGib: null | number;
  /** Operating system of an instance price (AWS operatingSystem; Azure Windows when the product name says so, else Linux for virtual machines). */
  operatingSystem: null | string;
  /** AWS tenancy: Shared, Dedicated, Host. */
  tenancy: null | string;
  /** Storage class of a storage price (AWS storageClass, e.g. General Purpose, Archive; EBS volumeApiName). */
  storageClass: null | string;
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
  /** Events of the run the pricing processor normalized, as far as it has handled them (ops.pricing.run-outcomes.v1); null before anything was counted. */
  normalized: null | number;
  /** Events of the run sent to the dead-letter topic. */
  deadLettered: null | number;
  /** Events dropped as already normalized (re-collected prices, pages sent again). */
  duplicates: null | number;
  /** Dead letters by stage/reason code, e.g. parse/field_missing. */
  deadLetterReasons: Record<string, number>;
  /** What became of the run's events: normalized (none dead-lettered), partly_dead_lettered, dead_lettered (none normalized), pending (not all handled yet); null before the run ended. */
  result: null | string;
}

/** DeadLetterReason */
export interface DeadLetterReason {
  /** Stage that rejected them (decode, parse, price, …). */
  stage: string;
  /** Reason code (field_missing, unit_unknown, …). */
  code: string;
  /** Dead letters with this stage and code. */
  count: number;
  /** The message of the first of them. */
  example: string;
}

/** What the pricing processor made of one collection run's events in one committed batch of one input partition. Published in the same Kafka transaction as the normalized events and dead letters it counts, so the counts of a run add up exactly. Key: runId. */
export interface RunOutcome {
  /** Run id the raw events carried (header run-id). */
  runId: string;
  /** Processor that handled them (e.g. pricing-processor). */
  component: string;
  /** Consumer group of that processor: each deployment reading the raw topic reports on the same events, and a run's results are one deployment's. */
  consumerGroup: string;
  /** Raw topic read. */
  inputTopic: string;
  /** Input partition of the batch. */
  partition: number;
  /** Offset of the batch's first event of this run. */
  firstOffset: number;
  /** Offset of the batch's last event of this run. */
  lastOffset: number;
  /** Events that became normalized events. */
  normalized: number;
  /** Events sent to the dead-letter topic. */
  deadLettered: number;
  /** Events dropped because their event id was already normalized (a re-collected price, a page sent again). */
  duplicates: number;
  /** Dead letters by stage and reason code. */
  deadLetterReasons: DeadLetterReason[];
  /** Counts of what the stages noted on normalized events (e.g. region_unmapped:aws:xx-mars-1). */
  notes: Record<string, number>;
  /** When the batch was processed. */
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
