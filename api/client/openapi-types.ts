// Generated from the OpenAPI document by `sluice api client`. Do not edit.

export interface paths {
    "/api/v1/telemetry/readings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readings by device, site, metric, time range and quality
         * @description `Accept: application/json` (default) answers one page, ordered by device, metric, time and event id, with a `next` link. `Accept: application/x-ndjson` or `text/csv` streams every matching reading as it is read, in storage order (up to API_EXPORT_MAX_ROWS, or `limit`; a range of at most API_EXPORT_MAX_RANGE_DAYS).
         */
        get: operations["listReadings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/telemetry/aggregates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count, min, max, avg and last per minute, hour or day, for several devices and metrics
         * @description Read from the ClickHouse rollups. A request returns at most API_MAX_AGGREGATE_POINTS points (series × buckets); a bucket is included when it starts within [from, to).
         */
        get: operations["getAggregates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/telemetry/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest reading of each device and metric */
        get: operations["listLatestReadings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The device registry, by device id */
        get: operations["listDevices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One registry entry */
        get: operations["getDevice"];
        /**
         * Create or replace a registry entry
         * @description The telemetry processor reloads the registry every PROCESSOR_TELEMETRY_DEVICE_REFRESH_MS (default 60 s): readings processed after that are enriched with the new entry, without a restart.
         */
        put: operations["putDevice"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change some fields of a registry entry (JSON merge patch) */
        patch: operations["patchDevice"];
        trace?: never;
    };
    "/api/v1/pricing/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Price collection runs, newest first */
        get: operations["listCollectionRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Topics with their offsets and the health of the components in this process */
        get: operations["getOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each component’s state and rates, topic offsets, consumer lag per partition, dead letters by reason, latency */
        get: operations["getPipeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/{eventId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where one event has been: raw record, dead letters, normalized rows, times and trace ids */
        get: operations["getEventLineage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dlq": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dead letters, newest first, with the original event decoded
         * @description Browses the latest API_DLQ_BROWSE_ENTRIES dead letters of every dlq.* topic; `reasons` counts all of them.
         */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dlq/{topic}/{partition}/{offset}/original": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The original bytes of one dead letter */
        get: operations["getDeadLetterOriginal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dlq/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-publish selected dead letters to the topic they came from (after a fix), or count them
         * @description A dry run answers 200 with the counts; otherwise the replay runs as a job (202, Location: the job). Letters of transport messages (source set) are never replayed.
         */
        post: operations["replayDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reprocess": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay a raw topic from a time or offsets through the current stages, as a job
         * @description The records from `from` up to the end the topic has now go through the processor’s stages again (a consumer group of its own); sinks keep each event once.
         */
        post: operations["reprocess"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Replay and reprocess jobs of this API process, newest first */
        get: operations["listJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job: progress, then its counts or its error */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Collection runs, newest first, with progress and what the processor made of them */
        get: operations["listCollections"];
        put?: never;
        /**
         * Start an Azure or AWS price collection
         * @description Answers 202 once the run is recorded; follow its URL until its status is no longer running.
         */
        post: operations["startCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/collections/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One collection run */
        get: operations["getCollection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/collections/{runId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a running collection (its collector stops within seconds, wherever it runs) */
        post: operations["cancelCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/collections/{runId}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Continue a killed, failed or cancelled run from its last acknowledged page */
        post: operations["resumeCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live updates as Server-Sent Events: pipeline, collections, readings, prices, jobs, dead letters
         * @description Events: `pipeline` (the GET /api/v1/pipeline answer), `collections` (the latest 10 runs), `readings` (the latest reading of each device and metric, or of the `device`s asked for), `prices` (cheapest on-demand compute hour per provider and region), `job` and `dead-letter` as they happen. Snapshots come every API_STREAM_INTERVAL_MS.
         */
        get: operations["streamPipeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A registry entry as a whole: fields left out are cleared. */
        DevicePut: {
            siteId?: components["schemas"]["__schema14"];
            siteName?: components["schemas"]["__schema16"];
            deviceType?: components["schemas"]["__schema18"];
            latitude?: components["schemas"]["__schema20"];
            longitude?: components["schemas"]["__schema23"];
            expectedUnit?: components["schemas"]["__schema26"];
            tags?: components["schemas"]["__schema29"];
        };
        /** @description A JSON merge patch (RFC 7396) of a registry entry. */
        DevicePatch: {
            siteId?: components["schemas"]["__schema32"];
            siteName?: components["schemas"]["__schema33"];
            deviceType?: components["schemas"]["__schema34"];
            latitude?: components["schemas"]["__schema35"];
            longitude?: components["schemas"]["__schema36"];
            expectedUnit?: components["schemas"]["__schema37"];
            tags?: components["schemas"]["__schema38"];
        };
        DeadLetterReplay: {
            topic: components["schemas"]["__schema44"];
            reason?: components["schemas"]["__schema46"];
            stage?: components["schemas"]["__schema47"];
            fromOffset?: components["schemas"]["__schema48"];
            from?: components["schemas"]["__schema50"];
            to?: components["schemas"]["__schema51"];
            limit?: components["schemas"]["__schema52"];
            dryRun?: components["schemas"]["__schema53"];
        };
        Reprocess: {
            pipeline: components["schemas"]["__schema55"];
            from: components["schemas"]["__schema56"];
        };
        CollectionStart: components["schemas"]["__schema57"] | components["schemas"]["__schema59"];
        /** @example boiler-7 */
        __schema0: string;
        /** @example plant-north */
        __schema1: components["schemas"]["__schema0"];
        /** @example temperature */
        __schema2: string;
        /** @description Start of the range, inclusive (default: `to` minus 24 hours). */
        __schema3: components["schemas"]["__schema4"];
        /** Format: date-time */
        __schema4: string;
        /** @description End of the range, exclusive (default: now). */
        __schema5: components["schemas"]["__schema4"];
        __schema6: string;
        /** @enum {string} */
        __schema7: "measured" | "estimated" | "rough";
        /** @description Items per page (default API_DEFAULT_PAGE_SIZE; larger than API_MAX_PAGE_SIZE is capped to it). */
        __schema8: number;
        /** @description Where the page starts: the `next` cursor of the previous page, opaque. */
        __schema9: string;
        /** @enum {string} */
        __schema10: "minute" | "hour" | "day";
        __schema11: string;
        __schema12: string;
        /** @description Device id. */
        __schema13: components["schemas"]["__schema0"];
        __schema14: components["schemas"]["__schema15"];
        /** @description Site the device belongs to; readings without a site id get it. */
        __schema15: components["schemas"]["__schema1"] | null;
        __schema16: components["schemas"]["__schema17"];
        /** @description Site display name. */
        __schema17: components["schemas"]["__schema11"] | null;
        __schema18: components["schemas"]["__schema19"];
        /** @description Device type, e.g. pt100-sensor. */
        __schema19: components["schemas"]["__schema11"] | null;
        __schema20: components["schemas"]["__schema21"];
        /** @description WGS84 degrees. */
        __schema21: components["schemas"]["__schema22"] | null;
        __schema22: number;
        __schema23: components["schemas"]["__schema24"];
        /** @description WGS84 degrees. */
        __schema24: components["schemas"]["__schema25"] | null;
        __schema25: number;
        __schema26: components["schemas"]["__schema27"];
        /** @description Unit the device should send; a reading in another unit is flagged unit_mismatch. */
        __schema27: components["schemas"]["__schema28"] | null;
        __schema28: string;
        __schema29: {
            [key: string]: components["schemas"]["__schema31"];
        };
        __schema30: string;
        __schema31: string;
        __schema32: components["schemas"]["__schema15"];
        __schema33: components["schemas"]["__schema17"];
        __schema34: components["schemas"]["__schema19"];
        __schema35: components["schemas"]["__schema21"];
        __schema36: components["schemas"]["__schema24"];
        __schema37: components["schemas"]["__schema27"];
        /** @description Tags to set; a tag set to null is removed; tags not named stay. */
        __schema38: {
            [key: string]: components["schemas"]["__schema39"];
        };
        __schema39: components["schemas"]["__schema31"] | null;
        /** @enum {string} */
        __schema40: "aws" | "azure";
        /** @enum {string} */
        __schema41: "running" | "succeeded" | "failed" | "cancelled";
        __schema42: components["schemas"]["__schema8"];
        __schema43: components["schemas"]["__schema9"];
        /** @enum {string} */
        __schema44: "dlq.raw.telemetry.readings.v1" | "dlq.raw.pricing.offers.v1" | "dlq.normalized.telemetry.readings.v1" | "dlq.normalized.pricing.prices.v1";
        __schema45: string;
        __schema46: string;
        __schema47: string;
        /** @description Only letters at or after this offset of each DLQ partition. */
        __schema48: components["schemas"]["__schema49"];
        __schema49: number;
        /** @description Only letters first failed at or after this instant. */
        __schema50: components["schemas"]["__schema4"];
        /** @description Only letters first failed before this instant. */
        __schema51: components["schemas"]["__schema4"];
        __schema52: number;
        /**
         * @description Count what would be replayed; publish nothing (answered 200 at once).
         * @default false
         */
        __schema53: components["schemas"]["__schema54"];
        __schema54: boolean;
        /** @enum {string} */
        __schema55: "telemetry" | "pricing";
        /**
         * @description Where to start: earliest, an ISO-8601 instant with offset, an offset for every partition, or partition:offset,…
         * @example 2026-11-21T08:00:00Z
         */
        __schema56: string;
        __schema57: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            provider: "azure";
            /** @default {} */
            filters: {
                /** @description Comma-separated names are collected as parallel streams. */
                serviceName?: components["schemas"]["__schema58"];
                armRegionName?: components["schemas"]["__schema58"];
                /** @enum {string} */
                priceType?: "Consumption" | "Reservation" | "DevTestConsumption";
                currencyCode?: string;
            };
            runId?: string;
        };
        __schema58: string;
        __schema59: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            provider: "aws";
            /**
             * @default {
             *       "source": "bulk"
             *     }
             */
            filters: {
                /**
                 * @default bulk
                 * @enum {string}
                 */
                source: "bulk" | "query";
                /** @description Comma-separated service codes, e.g. AmazonEC2,AmazonS3. */
                serviceCode?: components["schemas"]["__schema58"];
                /** @description Comma-separated region codes. */
                regionCode?: components["schemas"]["__schema58"];
            };
            runId?: string;
        };
        __schema60: string;
        /** @enum {string} */
        __schema61: "pipeline" | "collections" | "readings" | "prices" | "job" | "dead-letter";
        ReadingsPage: {
            data: components["schemas"]["__schema64"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One normalized reading. An NDJSON export has one of these per line; a CSV export the same columns (qualityFlags joined with ";", nulls empty). */
        Reading: {
            eventId: components["schemas"]["__schema65"];
            source: components["schemas"]["__schema66"];
            deviceId: components["schemas"]["__schema67"];
            siteId: components["schemas"]["__schema68"];
            metric: components["schemas"]["__schema69"];
            value: components["schemas"]["__schema70"];
            unit: components["schemas"]["__schema71"];
            originalValue: components["schemas"]["__schema72"];
            originalUnit: components["schemas"]["__schema74"];
            sourceTime: components["schemas"]["__schema76"];
            receivedAt: components["schemas"]["__schema78"];
            qualityLevel: components["schemas"]["__schema79"];
            qualityScore: components["schemas"]["__schema80"];
            qualityFlags: components["schemas"]["__schema81"];
            siteName: components["schemas"]["__schema83"];
            deviceType: components["schemas"]["__schema85"];
            traceId: components["schemas"]["__schema87"];
        };
        PageInfo: {
            limit: components["schemas"]["__schema88"];
            next: components["schemas"]["__schema89"];
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            type: components["schemas"]["__schema91"];
            title: components["schemas"]["__schema92"];
            status: components["schemas"]["__schema93"];
            detail: components["schemas"]["__schema94"];
            instance: components["schemas"]["__schema95"];
            requestId: components["schemas"]["__schema96"];
            invalidParams?: components["schemas"]["__schema97"];
        };
        InvalidParameter: {
            name: components["schemas"]["__schema98"];
            reason: components["schemas"]["__schema99"];
        };
        Aggregates: {
            granularity: components["schemas"]["__schema100"];
            from: components["schemas"]["__schema77"];
            to: components["schemas"]["__schema77"];
            series: components["schemas"]["__schema101"];
        };
        AggregateSeries: {
            deviceId: components["schemas"]["__schema102"];
            metric: components["schemas"]["__schema103"];
            unit: components["schemas"]["__schema104"];
            points: components["schemas"]["__schema105"];
        };
        AggregatePoint: {
            bucket: components["schemas"]["__schema106"];
            count: components["schemas"]["__schema107"];
            min: components["schemas"]["__schema108"];
            max: components["schemas"]["__schema109"];
            avg: components["schemas"]["__schema110"];
            last: components["schemas"]["__schema111"];
        };
        LatestPage: {
            data: components["schemas"]["__schema112"];
            page: components["schemas"]["PageInfo"];
        };
        DevicesPage: {
            data: components["schemas"]["__schema113"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description An entry of the device registry that the telemetry processor enriches readings from. */
        Device: {
            deviceId: components["schemas"]["__schema114"];
            siteId: components["schemas"]["__schema115"];
            siteName: components["schemas"]["__schema117"];
            deviceType: components["schemas"]["__schema119"];
            latitude: components["schemas"]["__schema120"];
            longitude: components["schemas"]["__schema122"];
            expectedUnit: components["schemas"]["__schema124"];
            tags: components["schemas"]["__schema126"];
            createdAt: components["schemas"]["__schema77"];
            updatedAt: components["schemas"]["__schema77"];
        };
        CollectionRunsPage: {
            data: components["schemas"]["__schema129"];
            page: components["schemas"]["PageInfo"];
        };
        CollectionRun: {
            runId: components["schemas"]["__schema130"];
            provider: components["schemas"]["__schema131"];
            status: components["schemas"]["__schema132"];
            filters: components["schemas"]["__schema133"];
            pages: components["schemas"]["__schema136"];
            items: components["schemas"]["__schema137"];
            published: components["schemas"]["__schema138"];
            failed: components["schemas"]["__schema139"];
            itemsPerSecond: components["schemas"]["__schema140"];
            normalized: components["schemas"]["__schema141"];
            deadLettered: components["schemas"]["__schema143"];
            duplicates: components["schemas"]["__schema145"];
            error: components["schemas"]["__schema147"];
            startedAt: components["schemas"]["__schema77"];
            finishedAt: components["schemas"]["__schema148"];
            updatedAt: components["schemas"]["__schema77"];
        };
        Overview: {
            generatedAt: components["schemas"]["__schema149"];
            kafka: components["schemas"]["__schema150"];
            topics: components["schemas"]["__schema151"];
            components: components["schemas"]["__schema152"];
        };
        Pipeline: {
            generatedAt: components["schemas"]["__schema77"];
            kafka: components["schemas"]["__schema153"];
            components: components["schemas"]["__schema154"];
            topics: components["schemas"]["__schema157"];
            consumerLag: components["schemas"]["__schema161"];
            deadLetters: components["schemas"]["__schema163"];
            latency: components["schemas"]["__schema164"];
        };
        EventLineage: {
            eventId: components["schemas"]["__schema166"];
            kind: components["schemas"]["__schema167"];
            status: components["schemas"]["__schema168"];
            traceIds: components["schemas"]["__schema169"];
            raw: components["schemas"]["__schema171"];
            deadLetters: components["schemas"]["__schema175"];
            normalized: components["schemas"]["__schema201"];
            hops: components["schemas"]["__schema202"];
        };
        DeadLetter: {
            topic: components["schemas"]["__schema176"];
            partition: components["schemas"]["__schema177"];
            offset: components["schemas"]["__schema178"];
            originalTopic: components["schemas"]["__schema179"];
            originalPartition: components["schemas"]["__schema180"];
            originalOffset: components["schemas"]["__schema181"];
            originalTimestamp: components["schemas"]["__schema182"];
            component: components["schemas"]["__schema183"];
            stage: components["schemas"]["__schema184"];
            reason: components["schemas"]["__schema185"];
            message: components["schemas"]["__schema186"];
            source: components["schemas"]["__schema187"];
            eventId: components["schemas"]["__schema189"];
            traceId: components["schemas"]["__schema190"];
            firstFailedAt: components["schemas"]["__schema77"];
            attempts: components["schemas"]["__schema191"];
            key: components["schemas"]["__schema192"];
            headers: components["schemas"]["__schema193"];
            event: components["schemas"]["__schema194"];
            original: components["schemas"]["__schema196"];
            originalUrl: components["schemas"]["__schema200"];
        };
        /** @description Bytes as UTF-8 text when they are valid UTF-8, else as base64. */
        Bytes: {
            text?: components["schemas"]["__schema197"];
            base64?: components["schemas"]["__schema198"];
            bytes: components["schemas"]["__schema199"];
        };
        DeadLettersPage: {
            data: components["schemas"]["__schema203"];
            page: components["schemas"]["__schema204"];
            reasons: components["schemas"]["__schema205"];
        };
        ReplayCounts: {
            scanned: components["schemas"]["__schema206"];
            selected: components["schemas"]["__schema207"];
            replayed: components["schemas"]["__schema208"];
        };
        AcceptedJob: {
            jobId: components["schemas"]["__schema209"];
            url: components["schemas"]["__schema210"];
        };
        Jobs: {
            data: components["schemas"]["__schema211"];
        };
        Job: {
            jobId: components["schemas"]["__schema212"];
            kind: components["schemas"]["__schema213"];
            status: components["schemas"]["__schema214"];
            request: components["schemas"]["__schema215"];
            progress: components["schemas"]["__schema218"];
            result: components["schemas"]["__schema219"];
            error: components["schemas"]["__schema221"];
            startedAt: components["schemas"]["__schema77"];
            finishedAt: components["schemas"]["__schema222"];
        };
        CollectionsPage: {
            data: components["schemas"]["__schema223"];
            page: components["schemas"]["PageInfo"];
        };
        AcceptedCollection: {
            runId: components["schemas"]["__schema224"];
            url: components["schemas"]["__schema225"];
        };
        __schema62: string;
        __schema63: string;
        __schema64: components["schemas"]["Reading"][];
        /** @description Deterministic id of the reading, the same in every topic and table. */
        __schema65: string;
        /** @description Protocol it arrived by: http, mqtt, opcua, modbus, file. */
        __schema66: string;
        __schema67: string;
        __schema68: string | null;
        /** @description Canonical metric name. */
        __schema69: string;
        /** @description Value in the canonical unit. */
        __schema70: number;
        /** @description Canonical unit (degC, kPa, m3/s, kWh, kW, …). */
        __schema71: string;
        /** @description Value as the device sent it. */
        __schema72: components["schemas"]["__schema73"] | null;
        __schema73: number;
        /** @description Unit as the device sent it. */
        __schema74: components["schemas"]["__schema75"] | null;
        __schema75: string;
        /** @description When the reading was taken (UTC, milliseconds). */
        __schema76: components["schemas"]["__schema77"];
        /**
         * Format: date-time
         * @description UTC instant, ISO 8601.
         * @example 2026-11-21T08:15:30.250Z
         */
        __schema77: string;
        /** @description When Sluice received it (UTC; seconds on ClickHouse 18.16). */
        __schema78: components["schemas"]["__schema77"];
        /** @enum {string} */
        __schema79: "measured" | "estimated" | "rough";
        /** @description 0 (worthless) to 1 (fully trusted). */
        __schema80: number;
        /** @description Why the score was lowered (unknown_device, stale, …). */
        __schema81: components["schemas"]["__schema82"][];
        __schema82: string;
        /** @description From the device registry when the reading was processed. */
        __schema83: components["schemas"]["__schema84"] | null;
        __schema84: string;
        /** @description From the device registry when the reading was processed. */
        __schema85: components["schemas"]["__schema86"] | null;
        __schema86: string;
        __schema87: string | null;
        /** @description The page size used (after capping). */
        __schema88: number;
        /** @description Relative URL of the next page (also in the Link header); null on the last page. */
        __schema89: components["schemas"]["__schema90"] | null;
        __schema90: string;
        /** @description URI naming the kind of problem (urn:sluice:problem:<kind>). */
        __schema91: string;
        __schema92: string;
        __schema93: number;
        __schema94: string;
        /** @description The request path. */
        __schema95: string;
        /** @description Id of the request, also in the X-Request-Id header and the logs. */
        __schema96: string;
        __schema97: components["schemas"]["InvalidParameter"][];
        /** @description Where: a query or path parameter, a body field path, or a GraphQL argument. */
        __schema98: string;
        __schema99: string;
        /** @enum {string} */
        __schema100: "minute" | "hour" | "day";
        __schema101: components["schemas"]["AggregateSeries"][];
        __schema102: string;
        __schema103: string;
        __schema104: string;
        __schema105: components["schemas"]["AggregatePoint"][];
        /** @description Start of the bucket (UTC). */
        __schema106: components["schemas"]["__schema77"];
        __schema107: number;
        __schema108: number;
        __schema109: number;
        __schema110: number;
        /** @description The value of the bucket’s latest reading. */
        __schema111: number;
        /** @description The latest reading of each device and metric, by device then metric. */
        __schema112: components["schemas"]["Reading"][];
        __schema113: components["schemas"]["Device"][];
        __schema114: string;
        /** @description Site the device belongs to; readings without a site id get it. */
        __schema115: components["schemas"]["__schema116"] | null;
        /** @example plant-north */
        __schema116: string;
        /** @description Site display name. */
        __schema117: components["schemas"]["__schema118"] | null;
        __schema118: string;
        /** @description Device type, e.g. pt100-sensor. */
        __schema119: components["schemas"]["__schema118"] | null;
        /** @description WGS84 degrees. */
        __schema120: components["schemas"]["__schema121"] | null;
        __schema121: number;
        /** @description WGS84 degrees. */
        __schema122: components["schemas"]["__schema123"] | null;
        __schema123: number;
        /** @description Unit the device should send; a reading in another unit is flagged unit_mismatch. */
        __schema124: components["schemas"]["__schema125"] | null;
        __schema125: string;
        /** @description Free-form tags, carried into every reading’s enrichment. */
        __schema126: {
            [key: string]: components["schemas"]["__schema128"];
        };
        __schema127: string;
        __schema128: string;
        __schema129: components["schemas"]["CollectionRun"][];
        __schema130: string;
        /** @enum {string} */
        __schema131: "aws" | "azure";
        /** @enum {string} */
        __schema132: "running" | "succeeded" | "failed" | "cancelled";
        /** @description What the run collected (provider filters). */
        __schema133: {
            [key: string]: components["schemas"]["__schema135"];
        };
        __schema134: string;
        __schema135: unknown;
        __schema136: number;
        __schema137: number;
        __schema138: number;
        /** @description Pages that failed. */
        __schema139: number;
        __schema140: number | null;
        /** @description Events the pricing processor normalized so far; null before its first outcome. */
        __schema141: components["schemas"]["__schema142"] | null;
        __schema142: number;
        /** @description Events it dead-lettered so far. */
        __schema143: components["schemas"]["__schema144"] | null;
        __schema144: number;
        /** @description Events it dropped as already normalized. */
        __schema145: components["schemas"]["__schema146"] | null;
        __schema146: number;
        __schema147: string | null;
        __schema148: components["schemas"]["__schema77"] | null;
        __schema149: string;
        __schema150: {
            reachable: boolean;
            error?: string;
        };
        __schema151: {
            topic: string;
            partitions: number;
            /** @description Offsets retained now (high minus low watermark, over partitions): transaction markers take offsets too, so this is not a record count (see GET /api/v1/pipeline). */
            messages: number;
            /** @description High watermarks summed: every offset ever written, transaction markers included. */
            endOffset: number;
        }[];
        __schema152: {
            name: string;
            /** @enum {string} */
            state: "ready" | "degraded" | "down";
            reason?: string;
        }[];
        __schema153: {
            reachable: boolean;
            error?: string;
        };
        __schema154: {
            name: string;
            /** @enum {string} */
            state: "ready" | "degraded" | "down";
            reason?: string;
            eventsInPerSecond: components["schemas"]["__schema155"];
            eventsOutPerSecond: components["schemas"]["__schema155"];
        }[];
        /** @description Per second since the previous snapshot; null on the first. */
        __schema155: components["schemas"]["__schema156"] | null;
        __schema156: number;
        __schema157: {
            topic: string;
            partitions: number;
            /** @description Offsets, not record counts. */
            offsets: {
                earliest: components["schemas"]["__schema158"];
                end: components["schemas"]["__schema159"];
                span: components["schemas"]["__schema160"];
            };
            offsetsPerSecond: components["schemas"]["__schema155"];
        }[];
        /** @description Log start offsets summed. */
        __schema158: number;
        /** @description Last stable offsets summed (read_committed end). */
        __schema159: number;
        /** @description end − earliest: offsets retained, NOT records — transaction markers take offsets too. */
        __schema160: number;
        __schema161: {
            group: string;
            topic: string;
            partition: number;
            /** @description Next offset the group will read; null before its first commit. */
            committed: components["schemas"]["__schema162"] | null;
            /** @description The partition’s last stable offset (read_committed). */
            end: number;
            /** @description end − committed, in offsets (markers included). */
            lag: number;
            /**
             * @description Where the group keeps its offsets (sinks keep theirs with their rows).
             * @enum {string}
             */
            offsetsIn: "kafka" | "postgres";
        }[];
        __schema162: number;
        __schema163: {
            topic: string;
            stage: string;
            reason: string;
            count: number;
        }[];
        /** @description Receive → PostgreSQL load of the telemetry loaded in the window; null when PostgreSQL did not answer. */
        __schema164: components["schemas"]["__schema165"] | null;
        __schema165: {
            window: string;
            readings: number;
            p50Ms: number | null;
            p95Ms: number | null;
            p99Ms: number | null;
        };
        __schema166: string;
        __schema167: ("telemetry" | "pricing") | null;
        /**
         * @description loaded: in a sink; dead-lettered: in a DLQ and in no sink; in-flight: raw only so far.
         * @enum {string}
         */
        __schema168: "loaded" | "dead-lettered" | "in-flight";
        /** @description Every trace id logged for it, at any hop. */
        __schema169: components["schemas"]["__schema170"][];
        __schema170: string;
        __schema171: {
            topic: string;
            partition: number;
            offset: number;
            receivedAt: components["schemas"]["__schema77"];
            archivedAt: components["schemas"]["__schema77"];
            /** @description The raw event without its payload. */
            envelope: components["schemas"]["__schema174"];
            /** @description The original payload (JSON, or {text} / {base64}). */
            payload: unknown;
            /** @description The original payload bytes. */
            originalBase64: string;
        }[];
        __schema172: string;
        __schema173: unknown;
        __schema174: {
            [key: string]: components["schemas"]["__schema173"];
        };
        __schema175: components["schemas"]["DeadLetter"][];
        /** @description The dead-letter topic. */
        __schema176: string;
        __schema177: number;
        __schema178: number;
        __schema179: string;
        /** @description -1 for a transport message that never became an event. */
        __schema180: number;
        __schema181: number;
        __schema182: components["schemas"]["__schema77"] | null;
        __schema183: string;
        __schema184: string;
        /** @description Reason code (docs/reasons.md). */
        __schema185: string;
        __schema186: string;
        /** @description Transport source of a producer’s letter (mqtt:<topic>, …); null for an event a processor or sink refused. */
        __schema187: components["schemas"]["__schema188"] | null;
        __schema188: string;
        __schema189: string | null;
        __schema190: string | null;
        __schema191: number;
        __schema192: string | null;
        __schema193: {
            [key: string]: string;
        };
        /** @description The original event decoded with its topic’s schema (its payload as text or base64); null when the bytes are no event. */
        __schema194: components["schemas"]["__schema195"] | null;
        __schema195: {
            [key: string]: unknown;
        };
        /** @description The original bytes (for a processor’s letter, the Avro record). */
        __schema196: components["schemas"]["Bytes"];
        __schema197: string;
        __schema198: string;
        __schema199: number;
        /** @description Where the original bytes download as application/octet-stream. */
        __schema200: string;
        __schema201: {
            /** @description Its row in PostgreSQL (telemetry_readings or pricing_prices). */
            postgres: components["schemas"]["__schema174"] | null;
            /** @description Its rows in ClickHouse before merges collapse repeats (one once merged). */
            clickhouse: components["schemas"]["__schema174"][];
        };
        __schema202: {
            /** @enum {string} */
            hop: "received" | "archived" | "dead-lettered" | "processed" | "loaded-postgres" | "loaded-clickhouse";
            at: components["schemas"]["__schema77"] | null;
            /** @description Topic/partition/offset, or the table. */
            where: string;
            traceId: string | null;
        }[];
        __schema203: components["schemas"]["DeadLetter"][];
        __schema204: {
            limit: number;
            next: string | null;
        };
        __schema205: {
            topic: string;
            stage: string;
            reason: string;
            count: number;
        }[];
        __schema206: number;
        __schema207: number;
        __schema208: number;
        __schema209: string;
        /** @description Where the job’s state is. */
        __schema210: string;
        __schema211: components["schemas"]["Job"][];
        __schema212: string;
        /** @enum {string} */
        __schema213: "dlq-replay" | "reprocess";
        /** @enum {string} */
        __schema214: "running" | "succeeded" | "failed";
        /** @description What the job was asked to do. */
        __schema215: {
            [key: string]: components["schemas"]["__schema217"];
        };
        __schema216: string;
        __schema217: unknown;
        __schema218: {
            /** @description Records handled so far. */
            done: number;
            /** @description Records the job planned to read (0 until planned). */
            total: number;
        };
        /** @description The counts the job ended with; null while running or when it failed. */
        __schema219: components["schemas"]["__schema220"] | null;
        __schema220: {
            [key: string]: number;
        };
        __schema221: string | null;
        __schema222: components["schemas"]["__schema77"] | null;
        __schema223: components["schemas"]["CollectionRun"][];
        __schema224: string;
        /** @description Where the run’s state is. */
        __schema225: string;
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listReadings: {
        parameters: {
            query?: {
                device?: components["schemas"]["__schema0"][];
                site?: components["schemas"]["__schema1"][];
                metric?: components["schemas"]["__schema2"][];
                /** @description Start of the range, inclusive (default: `to` minus 24 hours). */
                from?: components["schemas"]["__schema3"];
                /** @description End of the range, exclusive (default: now). */
                to?: components["schemas"]["__schema5"];
                flag?: components["schemas"]["__schema6"][];
                quality?: components["schemas"]["__schema7"][];
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of readings, or the export stream. */
            200: {
                headers: {
                    /** @description The next page (rel="next"), as in page.next. */
                    Link?: components["schemas"]["__schema62"];
                    /** @description On exports: the most rows this stream holds. */
                    "X-Export-Max-Rows"?: components["schemas"]["__schema63"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadingsPage"];
                    "application/x-ndjson": components["schemas"]["Reading"];
                    "text/csv": string;
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No representation in an accepted media type */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAggregates: {
        parameters: {
            query: {
                /** @description Device ids (at least one; repeat the parameter for several). */
                device: components["schemas"]["__schema0"][];
                metric?: components["schemas"]["__schema2"][];
                /** @description Bucket size: minute and hour come from their rollups, day from the hour rollup. */
                granularity?: components["schemas"]["__schema10"];
                /** @description Start of the range, inclusive (default: `to` minus 24 hours). */
                from?: components["schemas"]["__schema3"];
                /** @description End of the range, exclusive (default: now). */
                to?: components["schemas"]["__schema5"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One series per device, metric and unit. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Aggregates"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listLatestReadings: {
        parameters: {
            query?: {
                device?: components["schemas"]["__schema0"][];
                site?: components["schemas"]["__schema1"][];
                metric?: components["schemas"]["__schema2"][];
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One reading per device and metric. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LatestPage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDevices: {
        parameters: {
            query?: {
                site?: components["schemas"]["__schema1"][];
                type?: components["schemas"]["__schema11"][];
                /** @description Only devices whose id starts with this. */
                prefix?: components["schemas"]["__schema12"];
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of registry entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DevicesPage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Device id. */
                id: components["schemas"]["__schema13"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entry. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Device id. */
                id: components["schemas"]["__schema13"];
            };
            cookie?: never;
        };
        /** @description The whole entry. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["DevicePut"];
            };
        };
        responses: {
            /** @description The entry was replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description The entry was created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Device id. */
                id: components["schemas"]["__schema13"];
            };
            cookie?: never;
        };
        /** @description The fields to change; null clears a field or removes a tag. */
        requestBody: {
            content: {
                "application/merge-patch+json": components["schemas"]["DevicePatch"];
                "application/json": components["schemas"]["DevicePatch"];
            };
        };
        responses: {
            /** @description The entry after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCollectionRuns: {
        parameters: {
            query?: {
                provider?: components["schemas"]["__schema40"];
                status?: components["schemas"]["__schema41"];
                limit?: components["schemas"]["__schema42"];
                cursor?: components["schemas"]["__schema43"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionRunsPage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The overview. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Overview"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPipeline: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pipeline now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pipeline"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEventLineage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event’s lineage. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventLineage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                topic?: components["schemas"]["__schema44"];
                reason?: string;
                stage?: string;
                /** @description The transport source (prefix, e.g. mqtt:), the telemetry source (http, mqtt, …) or the price provider (aws, azure). */
                source?: components["schemas"]["__schema45"];
                /** @description First failed at or after this instant. */
                from?: components["schemas"]["__schema4"];
                /** @description First failed before this instant. */
                to?: components["schemas"]["__schema4"];
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of dead letters and the counts by reason. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLettersPage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDeadLetterOriginal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                topic: components["schemas"]["__schema44"];
                partition: number;
                offset: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes, as the rejected record held them. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No representation in an accepted media type */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replayDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Which letters. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeadLetterReplay"];
            };
        };
        responses: {
            /** @description Dry run: what a replay would take. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayCounts"];
                };
            };
            /** @description The replay started as a job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedJob"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reprocess: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Pipeline and start. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["Reprocess"];
            };
        };
        responses: {
            /** @description The reprocess started as a job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedJob"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jobs"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCollections: {
        parameters: {
            query?: {
                provider?: components["schemas"]["__schema40"];
                status?: components["schemas"]["__schema41"];
                limit?: components["schemas"]["__schema42"];
                cursor?: components["schemas"]["__schema43"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionsPage"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    startCollection: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Provider, filters, optionally the run id. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CollectionStart"];
            };
        };
        responses: {
            /** @description The run started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedCollection"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                runId: components["schemas"]["__schema60"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionRun"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                runId: components["schemas"]["__schema60"];
            };
            cookie?: never;
        };
        /** @description Why (recorded on the run). */
        requestBody: {
            content: {
                "application/json": {
                    /** @default cancelled over the API */
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description The run, cancelled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionRun"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body has a media type not taken here */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resumeCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                runId: components["schemas"]["__schema60"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run continues. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedCollection"];
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamPipeline: {
        parameters: {
            query?: {
                events?: components["schemas"]["__schema61"][];
                device?: components["schemas"]["__schema0"][];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An endless event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid input: an unknown or malformed parameter or body field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials are missing or invalid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials lack the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No representation in an accepted media type */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description Seconds until the limit resets. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server failed */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A database the answer needs is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
