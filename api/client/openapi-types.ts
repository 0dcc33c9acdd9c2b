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
    "/api/v1/prices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current prices by provider, service, category, region, type, term, currency, unit and attributes
         * @description Ordered by kind (category, region, unit, price type), provider, then cheapest first. Prices in force now (a collection loads new versions; GET /api/v1/prices/{id}/history has the earlier ones).
         */
        get: operations["listPrices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prices/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The same kind of resource side by side across providers, in one region and unit
         * @description Each provider’s cheapest current prices of the category (on-demand unless priceType says otherwise), with the attribute filters given (e.g. minVcpu=2&minMemoryGib=8, or instanceType).
         */
        get: operations["comparePrices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prices/cheapest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The N cheapest current prices of a category in a region and unit, at least a given spec */
        get: operations["cheapestPrices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prices/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every version of a price over time
         * @description The versions share the price’s identity (provider, sku, region, currency, price type, term, purchase option, tier start); each was in force from its effectiveFrom until the next one’s.
         */
        get: operations["priceHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The cloud providers, with their regions in the table and their latest collection run */
        get: operations["listProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service categories prices are grouped in */
        get: operations["listCategories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/regions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Each Sluice region (one place) with every provider’s own codes for it
         * @description The region table (schemas/pricing/regions.json); `global` holds prices without a place.
         */
        get: operations["listRegions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
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
            topic: components["schemas"]["__schema67"];
            reason?: components["schemas"]["__schema69"];
            stage?: components["schemas"]["__schema70"];
            fromOffset?: components["schemas"]["__schema71"];
            from?: components["schemas"]["__schema73"];
            to?: components["schemas"]["__schema74"];
            limit?: components["schemas"]["__schema75"];
            dryRun?: components["schemas"]["__schema76"];
        };
        Reprocess: {
            pipeline: components["schemas"]["__schema78"];
            from: components["schemas"]["__schema79"];
        };
        CollectionStart: components["schemas"]["__schema80"] | components["schemas"]["__schema82"];
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
        __schema41: string;
        /** @enum {string} */
        __schema42: "GENERAL" | "NETWORKING" | "COMPUTE_WEB" | "CONTAINERS" | "DATABASES" | "STORAGE" | "AI_ML" | "ANALYTICS_IOT" | "VIRTUAL_DESKTOP" | "DEV_TOOLS" | "INTEGRATION" | "MIGRATION" | "MANAGEMENT";
        __schema43: string;
        __schema44: string;
        /** @description Price types (default on_demand for compare and cheapest). */
        __schema45: components["schemas"]["__schema46"][];
        /** @enum {string} */
        __schema46: "on_demand" | "reservation" | "spot" | "savings_plan" | "dev_test";
        /** @description Commitment terms, e.g. "1 Year". */
        __schema47: components["schemas"]["__schema41"][];
        /** @description AWS purchase options, e.g. "No Upfront". */
        __schema48: components["schemas"]["__schema41"][];
        /** @description Currencies the prices were listed in. */
        __schema49: components["schemas"]["__schema50"][];
        __schema50: string;
        /** @description Instance or VM sizes (AWS instanceType, Azure armSkuName). */
        __schema51: components["schemas"]["__schema41"][];
        /** @description Operating systems of instance prices. */
        __schema52: components["schemas"]["__schema41"][];
        /** @description AWS tenancy: Shared, Dedicated, Host. */
        __schema53: components["schemas"]["__schema41"][];
        /** @description Storage classes of storage prices. */
        __schema54: components["schemas"]["__schema41"][];
        /** @description At least this many vCPUs (prices that list vCPUs). */
        __schema55: components["schemas"]["__schema56"];
        __schema56: number;
        /** @description At most this many vCPUs. */
        __schema57: components["schemas"]["__schema56"];
        /** @description At least this much memory, GiB. */
        __schema58: components["schemas"]["__schema56"];
        /** @description At most this much memory, GiB. */
        __schema59: components["schemas"]["__schema56"];
        /** @description Service category. */
        __schema60: components["schemas"]["__schema42"];
        /** @description Sluice region id. */
        __schema61: components["schemas"]["__schema43"];
        /**
         * @description Canonical unit, e.g. hour.
         * @example hour
         */
        __schema62: components["schemas"]["__schema41"];
        /** @enum {string} */
        __schema63: "aws" | "azure";
        /** @enum {string} */
        __schema64: "running" | "succeeded" | "failed" | "cancelled";
        __schema65: components["schemas"]["__schema8"];
        __schema66: components["schemas"]["__schema9"];
        /** @enum {string} */
        __schema67: "dlq.raw.telemetry.readings.v1" | "dlq.raw.pricing.offers.v1" | "dlq.normalized.telemetry.readings.v1" | "dlq.normalized.pricing.prices.v1";
        __schema68: string;
        __schema69: string;
        __schema70: string;
        /** @description Only letters at or after this offset of each DLQ partition. */
        __schema71: components["schemas"]["__schema72"];
        __schema72: number;
        /** @description Only letters first failed at or after this instant. */
        __schema73: components["schemas"]["__schema4"];
        /** @description Only letters first failed before this instant. */
        __schema74: components["schemas"]["__schema4"];
        __schema75: number;
        /**
         * @description Count what would be replayed; publish nothing (answered 200 at once).
         * @default false
         */
        __schema76: components["schemas"]["__schema77"];
        __schema77: boolean;
        /** @enum {string} */
        __schema78: "telemetry" | "pricing";
        /**
         * @description Where to start: earliest, an ISO-8601 instant with offset, an offset for every partition, or partition:offset,…
         * @example 2026-11-21T08:00:00Z
         */
        __schema79: string;
        __schema80: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            provider: "azure";
            /** @default {} */
            filters: {
                /** @description Comma-separated names are collected as parallel streams. */
                serviceName?: components["schemas"]["__schema81"];
                armRegionName?: components["schemas"]["__schema81"];
                /** @enum {string} */
                priceType?: "Consumption" | "Reservation" | "DevTestConsumption";
                currencyCode?: string;
            };
            runId?: string;
        };
        __schema81: string;
        __schema82: {
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
                serviceCode?: components["schemas"]["__schema81"];
                /** @description Comma-separated region codes. */
                regionCode?: components["schemas"]["__schema81"];
            };
            runId?: string;
        };
        __schema83: string;
        /** @enum {string} */
        __schema84: "pipeline" | "collections" | "readings" | "prices" | "job" | "dead-letter";
        ReadingsPage: {
            data: components["schemas"]["__schema87"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One normalized reading. An NDJSON export has one of these per line; a CSV export the same columns (qualityFlags joined with ";", nulls empty). */
        Reading: {
            eventId: components["schemas"]["__schema88"];
            source: components["schemas"]["__schema89"];
            deviceId: components["schemas"]["__schema90"];
            siteId: components["schemas"]["__schema91"];
            metric: components["schemas"]["__schema92"];
            value: components["schemas"]["__schema93"];
            unit: components["schemas"]["__schema94"];
            originalValue: components["schemas"]["__schema95"];
            originalUnit: components["schemas"]["__schema97"];
            sourceTime: components["schemas"]["__schema99"];
            receivedAt: components["schemas"]["__schema101"];
            qualityLevel: components["schemas"]["__schema102"];
            qualityScore: components["schemas"]["__schema103"];
            qualityFlags: components["schemas"]["__schema104"];
            siteName: components["schemas"]["__schema106"];
            deviceType: components["schemas"]["__schema108"];
            traceId: components["schemas"]["__schema110"];
        };
        PageInfo: {
            limit: components["schemas"]["__schema111"];
            next: components["schemas"]["__schema112"];
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            type: components["schemas"]["__schema114"];
            title: components["schemas"]["__schema115"];
            status: components["schemas"]["__schema116"];
            detail: components["schemas"]["__schema117"];
            instance: components["schemas"]["__schema118"];
            requestId: components["schemas"]["__schema119"];
            invalidParams?: components["schemas"]["__schema120"];
        };
        InvalidParameter: {
            name: components["schemas"]["__schema121"];
            reason: components["schemas"]["__schema122"];
        };
        Aggregates: {
            granularity: components["schemas"]["__schema123"];
            from: components["schemas"]["__schema100"];
            to: components["schemas"]["__schema100"];
            series: components["schemas"]["__schema124"];
        };
        AggregateSeries: {
            deviceId: components["schemas"]["__schema125"];
            metric: components["schemas"]["__schema126"];
            unit: components["schemas"]["__schema127"];
            points: components["schemas"]["__schema128"];
        };
        AggregatePoint: {
            bucket: components["schemas"]["__schema129"];
            count: components["schemas"]["__schema130"];
            min: components["schemas"]["__schema131"];
            max: components["schemas"]["__schema132"];
            avg: components["schemas"]["__schema133"];
            last: components["schemas"]["__schema134"];
        };
        LatestPage: {
            data: components["schemas"]["__schema135"];
            page: components["schemas"]["PageInfo"];
        };
        DevicesPage: {
            data: components["schemas"]["__schema136"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description An entry of the device registry that the telemetry processor enriches readings from. */
        Device: {
            deviceId: components["schemas"]["__schema137"];
            siteId: components["schemas"]["__schema138"];
            siteName: components["schemas"]["__schema140"];
            deviceType: components["schemas"]["__schema142"];
            latitude: components["schemas"]["__schema143"];
            longitude: components["schemas"]["__schema145"];
            expectedUnit: components["schemas"]["__schema147"];
            tags: components["schemas"]["__schema149"];
            createdAt: components["schemas"]["__schema100"];
            updatedAt: components["schemas"]["__schema100"];
        };
        PricesPage: {
            data: components["schemas"]["__schema152"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One version of a cloud price. */
        Price: {
            id: components["schemas"]["__schema153"];
            provider: components["schemas"]["__schema154"];
            service: components["schemas"]["__schema155"];
            category: components["schemas"]["__schema156"];
            region: components["schemas"]["__schema157"];
            regionName: components["schemas"]["__schema158"];
            regionMapped: components["schemas"]["__schema159"];
            providerRegion: components["schemas"]["__schema160"];
            providerRegionName: components["schemas"]["__schema162"];
            sku: components["schemas"]["__schema163"];
            product: components["schemas"]["__schema164"];
            pricePerUnitUsd: components["schemas"]["__schema165"];
            unit: components["schemas"]["__schema167"];
            originalAmount: components["schemas"]["__schema168"];
            currency: components["schemas"]["__schema169"];
            originalUnit: components["schemas"]["__schema170"];
            usdRate: components["schemas"]["__schema171"];
            usdRateDate: components["schemas"]["__schema172"];
            priceType: components["schemas"]["__schema173"];
            term: components["schemas"]["__schema174"];
            purchaseOption: components["schemas"]["__schema175"];
            offeringClass: components["schemas"]["__schema176"];
            amortized: components["schemas"]["__schema177"];
            tierStart: components["schemas"]["__schema178"];
            tierEnd: components["schemas"]["__schema179"];
            instanceType: components["schemas"]["__schema180"];
            vcpu: components["schemas"]["__schema181"];
            memoryGib: components["schemas"]["__schema182"];
            operatingSystem: components["schemas"]["__schema183"];
            tenancy: components["schemas"]["__schema184"];
            storageClass: components["schemas"]["__schema185"];
            effectiveFrom: components["schemas"]["__schema100"];
            effectiveTo: components["schemas"]["__schema186"];
            collectionId: components["schemas"]["__schema187"];
            fetchedAt: components["schemas"]["__schema100"];
        };
        PriceComparison: {
            category: components["schemas"]["__schema156"];
            region: components["schemas"]["__schema188"];
            regionName: components["schemas"]["__schema189"];
            unit: components["schemas"]["__schema190"];
            priceType: components["schemas"]["__schema191"];
            providers: components["schemas"]["__schema192"];
        };
        CheapestPrices: {
            category: components["schemas"]["__schema156"];
            region: components["schemas"]["__schema188"];
            regionName: components["schemas"]["__schema189"];
            unit: components["schemas"]["__schema190"];
            priceType: components["schemas"]["__schema191"];
            prices: components["schemas"]["__schema193"];
        };
        PriceHistory: {
            id: components["schemas"]["__schema194"];
            versions: components["schemas"]["__schema195"];
        };
        Providers: {
            data: components["schemas"]["__schema196"];
        };
        Provider: {
            id: components["schemas"]["__schema154"];
            regions: components["schemas"]["__schema197"];
            lastRun: components["schemas"]["__schema198"];
        };
        Categories: {
            data: components["schemas"]["__schema200"];
        };
        Category: {
            id: components["schemas"]["__schema156"];
            name: components["schemas"]["__schema201"];
        };
        Regions: {
            data: components["schemas"]["__schema202"];
        };
        /** @description A Sluice region: one place, with every provider’s codes for it. */
        Region: {
            id: components["schemas"]["__schema203"];
            name: components["schemas"]["__schema204"];
            country: components["schemas"]["__schema205"];
            providers: components["schemas"]["__schema207"];
        };
        CollectionRunsPage: {
            data: components["schemas"]["__schema209"];
            page: components["schemas"]["PageInfo"];
        };
        CollectionRun: {
            runId: components["schemas"]["__schema210"];
            provider: components["schemas"]["__schema211"];
            status: components["schemas"]["__schema212"];
            filters: components["schemas"]["__schema213"];
            pages: components["schemas"]["__schema216"];
            items: components["schemas"]["__schema217"];
            published: components["schemas"]["__schema218"];
            failed: components["schemas"]["__schema219"];
            itemsPerSecond: components["schemas"]["__schema220"];
            error: components["schemas"]["__schema221"];
            processing: components["schemas"]["__schema222"];
            startedAt: components["schemas"]["__schema100"];
            finishedAt: components["schemas"]["__schema226"];
            updatedAt: components["schemas"]["__schema100"];
        };
        Overview: {
            generatedAt: components["schemas"]["__schema227"];
            kafka: components["schemas"]["__schema228"];
            topics: components["schemas"]["__schema229"];
            components: components["schemas"]["__schema230"];
        };
        Pipeline: {
            generatedAt: components["schemas"]["__schema100"];
            kafka: components["schemas"]["__schema231"];
            components: components["schemas"]["__schema232"];
            topics: components["schemas"]["__schema235"];
            consumerLag: components["schemas"]["__schema239"];
            deadLetters: components["schemas"]["__schema241"];
            latency: components["schemas"]["__schema242"];
        };
        EventLineage: {
            eventId: components["schemas"]["__schema244"];
            kind: components["schemas"]["__schema245"];
            status: components["schemas"]["__schema246"];
            traceIds: components["schemas"]["__schema247"];
            raw: components["schemas"]["__schema249"];
            deadLetters: components["schemas"]["__schema253"];
            normalized: components["schemas"]["__schema279"];
            hops: components["schemas"]["__schema280"];
        };
        DeadLetter: {
            topic: components["schemas"]["__schema254"];
            partition: components["schemas"]["__schema255"];
            offset: components["schemas"]["__schema256"];
            originalTopic: components["schemas"]["__schema257"];
            originalPartition: components["schemas"]["__schema258"];
            originalOffset: components["schemas"]["__schema259"];
            originalTimestamp: components["schemas"]["__schema260"];
            component: components["schemas"]["__schema261"];
            stage: components["schemas"]["__schema262"];
            reason: components["schemas"]["__schema263"];
            message: components["schemas"]["__schema264"];
            source: components["schemas"]["__schema265"];
            eventId: components["schemas"]["__schema267"];
            traceId: components["schemas"]["__schema268"];
            firstFailedAt: components["schemas"]["__schema100"];
            attempts: components["schemas"]["__schema269"];
            key: components["schemas"]["__schema270"];
            headers: components["schemas"]["__schema271"];
            event: components["schemas"]["__schema272"];
            original: components["schemas"]["__schema274"];
            originalUrl: components["schemas"]["__schema278"];
        };
        /** @description Bytes as UTF-8 text when they are valid UTF-8, else as base64. */
        Bytes: {
            text?: components["schemas"]["__schema275"];
            base64?: components["schemas"]["__schema276"];
            bytes: components["schemas"]["__schema277"];
        };
        DeadLettersPage: {
            data: components["schemas"]["__schema281"];
            page: components["schemas"]["__schema282"];
            reasons: components["schemas"]["__schema283"];
        };
        ReplayCounts: {
            scanned: components["schemas"]["__schema284"];
            selected: components["schemas"]["__schema285"];
            replayed: components["schemas"]["__schema286"];
        };
        AcceptedJob: {
            jobId: components["schemas"]["__schema287"];
            url: components["schemas"]["__schema288"];
        };
        Jobs: {
            data: components["schemas"]["__schema289"];
        };
        Job: {
            jobId: components["schemas"]["__schema290"];
            kind: components["schemas"]["__schema291"];
            status: components["schemas"]["__schema292"];
            request: components["schemas"]["__schema293"];
            progress: components["schemas"]["__schema296"];
            result: components["schemas"]["__schema297"];
            error: components["schemas"]["__schema299"];
            startedAt: components["schemas"]["__schema100"];
            finishedAt: components["schemas"]["__schema300"];
        };
        CollectionsPage: {
            data: components["schemas"]["__schema301"];
            page: components["schemas"]["PageInfo"];
        };
        AcceptedCollection: {
            runId: components["schemas"]["__schema302"];
            url: components["schemas"]["__schema303"];
        };
        __schema85: string;
        __schema86: string;
        __schema87: components["schemas"]["Reading"][];
        /** @description Deterministic id of the reading, the same in every topic and table. */
        __schema88: string;
        /** @description Protocol it arrived by: http, mqtt, opcua, modbus, file. */
        __schema89: string;
        __schema90: string;
        __schema91: string | null;
        /** @description Canonical metric name. */
        __schema92: string;
        /** @description Value in the canonical unit. */
        __schema93: number;
        /** @description Canonical unit (degC, kPa, m3/s, kWh, kW, …). */
        __schema94: string;
        /** @description Value as the device sent it. */
        __schema95: components["schemas"]["__schema96"] | null;
        __schema96: number;
        /** @description Unit as the device sent it. */
        __schema97: components["schemas"]["__schema98"] | null;
        __schema98: string;
        /** @description When the reading was taken (UTC, milliseconds). */
        __schema99: components["schemas"]["__schema100"];
        /**
         * Format: date-time
         * @description UTC instant, ISO 8601.
         * @example 2026-11-21T08:15:30.250Z
         */
        __schema100: string;
        /** @description When Sluice received it (UTC; seconds on ClickHouse 18.16). */
        __schema101: components["schemas"]["__schema100"];
        /** @enum {string} */
        __schema102: "measured" | "estimated" | "rough";
        /** @description 0 (worthless) to 1 (fully trusted). */
        __schema103: number;
        /** @description Why the score was lowered (unknown_device, stale, …). */
        __schema104: components["schemas"]["__schema105"][];
        __schema105: string;
        /** @description From the device registry when the reading was processed. */
        __schema106: components["schemas"]["__schema107"] | null;
        __schema107: string;
        /** @description From the device registry when the reading was processed. */
        __schema108: components["schemas"]["__schema109"] | null;
        __schema109: string;
        __schema110: string | null;
        /** @description The page size used (after capping). */
        __schema111: number;
        /** @description Relative URL of the next page (also in the Link header); null on the last page. */
        __schema112: components["schemas"]["__schema113"] | null;
        __schema113: string;
        /** @description URI naming the kind of problem (urn:sluice:problem:<kind>). */
        __schema114: string;
        __schema115: string;
        __schema116: number;
        __schema117: string;
        /** @description The request path. */
        __schema118: string;
        /** @description Id of the request, also in the X-Request-Id header and the logs. */
        __schema119: string;
        __schema120: components["schemas"]["InvalidParameter"][];
        /** @description Where: a query or path parameter, a body field path, or a GraphQL argument. */
        __schema121: string;
        __schema122: string;
        /** @enum {string} */
        __schema123: "minute" | "hour" | "day";
        __schema124: components["schemas"]["AggregateSeries"][];
        __schema125: string;
        __schema126: string;
        __schema127: string;
        __schema128: components["schemas"]["AggregatePoint"][];
        /** @description Start of the bucket (UTC). */
        __schema129: components["schemas"]["__schema100"];
        __schema130: number;
        __schema131: number;
        __schema132: number;
        __schema133: number;
        /** @description The value of the bucket’s latest reading. */
        __schema134: number;
        /** @description The latest reading of each device and metric, by device then metric. */
        __schema135: components["schemas"]["Reading"][];
        __schema136: components["schemas"]["Device"][];
        __schema137: string;
        /** @description Site the device belongs to; readings without a site id get it. */
        __schema138: components["schemas"]["__schema139"] | null;
        /** @example plant-north */
        __schema139: string;
        /** @description Site display name. */
        __schema140: components["schemas"]["__schema141"] | null;
        __schema141: string;
        /** @description Device type, e.g. pt100-sensor. */
        __schema142: components["schemas"]["__schema141"] | null;
        /** @description WGS84 degrees. */
        __schema143: components["schemas"]["__schema144"] | null;
        __schema144: number;
        /** @description WGS84 degrees. */
        __schema145: components["schemas"]["__schema146"] | null;
        __schema146: number;
        /** @description Unit the device should send; a reading in another unit is flagged unit_mismatch. */
        __schema147: components["schemas"]["__schema148"] | null;
        __schema148: string;
        /** @description Free-form tags, carried into every reading’s enrichment. */
        __schema149: {
            [key: string]: components["schemas"]["__schema151"];
        };
        __schema150: string;
        __schema151: string;
        __schema152: components["schemas"]["Price"][];
        /** @description Id of this version of the price (its event id). */
        __schema153: string;
        /** @enum {string} */
        __schema154: "aws" | "azure";
        __schema155: string;
        /** @enum {string} */
        __schema156: "GENERAL" | "NETWORKING" | "COMPUTE_WEB" | "CONTAINERS" | "DATABASES" | "STORAGE" | "AI_ML" | "ANALYTICS_IOT" | "VIRTUAL_DESKTOP" | "DEV_TOOLS" | "INTEGRATION" | "MIGRATION" | "MANAGEMENT";
        /** @description Sluice region id; <provider>:<code> when the region table does not know it. */
        __schema157: string;
        __schema158: string;
        __schema159: boolean;
        /** @description The provider’s region code. */
        __schema160: components["schemas"]["__schema161"] | null;
        __schema161: string;
        __schema162: string | null;
        /** @description The provider’s natural key of the price. */
        __schema163: string;
        __schema164: string | null;
        /** @description USD per canonical unit, exact. */
        __schema165: components["schemas"]["__schema166"];
        /**
         * @description Exact decimal, as text (never a float).
         * @example 0.096
         */
        __schema166: string;
        __schema167: string;
        /** @description The price as listed, in its currency per its unit. */
        __schema168: components["schemas"]["__schema166"];
        __schema169: string;
        __schema170: string;
        /** @description USD per one unit of the currency used (1 for USD). */
        __schema171: components["schemas"]["__schema166"] | null;
        __schema172: string | null;
        /** @enum {string} */
        __schema173: "on_demand" | "reservation" | "spot" | "savings_plan" | "dev_test";
        __schema174: string | null;
        __schema175: string | null;
        __schema176: string | null;
        /** @description True when a whole-term amount was spread over the term’s hours. */
        __schema177: boolean;
        __schema178: number;
        __schema179: number | null;
        __schema180: string | null;
        __schema181: number | null;
        __schema182: number | null;
        __schema183: string | null;
        __schema184: string | null;
        __schema185: string | null;
        /** @description When the next version took effect; null while current. */
        __schema186: components["schemas"]["__schema100"] | null;
        /** @description The collection run that fetched it. */
        __schema187: string;
        __schema188: string;
        __schema189: string | null;
        __schema190: string;
        __schema191: components["schemas"]["__schema173"][];
        __schema192: {
            provider: components["schemas"]["__schema154"];
            /** @description The provider’s cheapest current prices of the kind, cheapest first. */
            prices: components["schemas"]["Price"][];
        }[];
        /** @description Cheapest first, over every provider. */
        __schema193: components["schemas"]["Price"][];
        __schema194: string;
        /** @description Every version of the price, oldest first. */
        __schema195: components["schemas"]["Price"][];
        __schema196: components["schemas"]["Provider"][];
        /** @description Sluice regions the region table maps for it. */
        __schema197: number;
        /** @description Its latest price collection run. */
        __schema198: components["schemas"]["__schema199"] | null;
        __schema199: {
            runId: string;
            status: string;
            startedAt: components["schemas"]["__schema100"];
            finishedAt: components["schemas"]["__schema100"] | null;
        };
        __schema200: components["schemas"]["Category"][];
        __schema201: string;
        __schema202: components["schemas"]["Region"][];
        __schema203: string;
        __schema204: string;
        /** @description ISO 3166 country code; null for global. */
        __schema205: components["schemas"]["__schema206"] | null;
        __schema206: string;
        /** @description Each provider’s own codes and names of this place (empty: it has none there). */
        __schema207: {
            [key: string]: components["schemas"]["__schema208"];
        };
        __schema208: {
            code: string | null;
            name: string;
        }[];
        __schema209: components["schemas"]["CollectionRun"][];
        __schema210: string;
        /** @enum {string} */
        __schema211: "aws" | "azure";
        /** @enum {string} */
        __schema212: "running" | "succeeded" | "failed" | "cancelled";
        /** @description What the run collected (provider filters). */
        __schema213: {
            [key: string]: components["schemas"]["__schema215"];
        };
        __schema214: string;
        __schema215: unknown;
        __schema216: number;
        __schema217: number;
        __schema218: number;
        /** @description Pages that failed. */
        __schema219: number;
        __schema220: number | null;
        __schema221: string | null;
        /** @description What the pricing processor made of the run’s events so far; null before it reported. */
        __schema222: components["schemas"]["__schema223"] | null;
        __schema223: {
            normalized: number;
            deadLettered: number;
            /** @description Dropped as already normalized (a page sent again). */
            duplicates: number;
            deadLetterReasons: {
                stage: string;
                code: string;
                count: number;
                example: string;
            }[];
            /** @description What normalized events were noted for, e.g. region_unmapped:aws:xx-mars-1. */
            notes: {
                [key: string]: components["schemas"]["__schema225"];
            };
        };
        __schema224: string;
        __schema225: number;
        __schema226: components["schemas"]["__schema100"] | null;
        __schema227: string;
        __schema228: {
            reachable: boolean;
            error?: string;
        };
        __schema229: {
            topic: string;
            partitions: number;
            /** @description Offsets retained now (high minus low watermark, over partitions): transaction markers take offsets too, so this is not a record count (see GET /api/v1/pipeline). */
            messages: number;
            /** @description High watermarks summed: every offset ever written, transaction markers included. */
            endOffset: number;
        }[];
        __schema230: {
            name: string;
            /** @enum {string} */
            state: "ready" | "degraded" | "down";
            reason?: string;
        }[];
        __schema231: {
            reachable: boolean;
            error?: string;
        };
        __schema232: {
            name: string;
            /** @enum {string} */
            state: "ready" | "degraded" | "down";
            reason?: string;
            eventsInPerSecond: components["schemas"]["__schema233"];
            eventsOutPerSecond: components["schemas"]["__schema233"];
        }[];
        /** @description Per second since the previous snapshot; null on the first. */
        __schema233: components["schemas"]["__schema234"] | null;
        __schema234: number;
        __schema235: {
            topic: string;
            partitions: number;
            /** @description Offsets, not record counts. */
            offsets: {
                earliest: components["schemas"]["__schema236"];
                end: components["schemas"]["__schema237"];
                span: components["schemas"]["__schema238"];
            };
            offsetsPerSecond: components["schemas"]["__schema233"];
        }[];
        /** @description Log start offsets summed. */
        __schema236: number;
        /** @description Last stable offsets summed (read_committed end). */
        __schema237: number;
        /** @description end − earliest: offsets retained, NOT records — transaction markers take offsets too. */
        __schema238: number;
        __schema239: {
            group: string;
            topic: string;
            partition: number;
            /** @description Next offset the group will read; null before its first commit. */
            committed: components["schemas"]["__schema240"] | null;
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
        __schema240: number;
        __schema241: {
            topic: string;
            stage: string;
            reason: string;
            count: number;
        }[];
        /** @description Receive → PostgreSQL load of the telemetry loaded in the window; null when PostgreSQL did not answer. */
        __schema242: components["schemas"]["__schema243"] | null;
        __schema243: {
            window: string;
            readings: number;
            p50Ms: number | null;
            p95Ms: number | null;
            p99Ms: number | null;
        };
        __schema244: string;
        __schema245: ("telemetry" | "pricing") | null;
        /**
         * @description loaded: in a sink; dead-lettered: in a DLQ and in no sink; in-flight: raw only so far.
         * @enum {string}
         */
        __schema246: "loaded" | "dead-lettered" | "in-flight";
        /** @description Every trace id logged for it, at any hop. */
        __schema247: components["schemas"]["__schema248"][];
        __schema248: string;
        __schema249: {
            topic: string;
            partition: number;
            offset: number;
            receivedAt: components["schemas"]["__schema100"];
            archivedAt: components["schemas"]["__schema100"];
            /** @description The raw event without its payload. */
            envelope: components["schemas"]["__schema252"];
            /** @description The original payload (JSON, or {text} / {base64}). */
            payload: unknown;
            /** @description The original payload bytes. */
            originalBase64: string;
        }[];
        __schema250: string;
        __schema251: unknown;
        __schema252: {
            [key: string]: components["schemas"]["__schema251"];
        };
        __schema253: components["schemas"]["DeadLetter"][];
        /** @description The dead-letter topic. */
        __schema254: string;
        __schema255: number;
        __schema256: number;
        __schema257: string;
        /** @description -1 for a transport message that never became an event. */
        __schema258: number;
        __schema259: number;
        __schema260: components["schemas"]["__schema100"] | null;
        __schema261: string;
        __schema262: string;
        /** @description Reason code (docs/reasons.md). */
        __schema263: string;
        __schema264: string;
        /** @description Transport source of a producer’s letter (mqtt:<topic>, …); null for an event a processor or sink refused. */
        __schema265: components["schemas"]["__schema266"] | null;
        __schema266: string;
        __schema267: string | null;
        __schema268: string | null;
        __schema269: number;
        __schema270: string | null;
        __schema271: {
            [key: string]: string;
        };
        /** @description The original event decoded with its topic’s schema (its payload as text or base64); null when the bytes are no event. */
        __schema272: components["schemas"]["__schema273"] | null;
        __schema273: {
            [key: string]: unknown;
        };
        /** @description The original bytes (for a processor’s letter, the Avro record). */
        __schema274: components["schemas"]["Bytes"];
        __schema275: string;
        __schema276: string;
        __schema277: number;
        /** @description Where the original bytes download as application/octet-stream. */
        __schema278: string;
        __schema279: {
            /** @description Its row in PostgreSQL (telemetry_readings or pricing_prices). */
            postgres: components["schemas"]["__schema252"] | null;
            /** @description Its rows in ClickHouse before merges collapse repeats (one once merged). */
            clickhouse: components["schemas"]["__schema252"][];
        };
        __schema280: {
            /** @enum {string} */
            hop: "received" | "archived" | "dead-lettered" | "processed" | "loaded-postgres" | "loaded-clickhouse";
            at: components["schemas"]["__schema100"] | null;
            /** @description Topic/partition/offset, or the table. */
            where: string;
            traceId: string | null;
        }[];
        __schema281: components["schemas"]["DeadLetter"][];
        __schema282: {
            limit: number;
            next: string | null;
        };
        __schema283: {
            topic: string;
            stage: string;
            reason: string;
            count: number;
        }[];
        __schema284: number;
        __schema285: number;
        __schema286: number;
        __schema287: string;
        /** @description Where the job’s state is. */
        __schema288: string;
        __schema289: components["schemas"]["Job"][];
        __schema290: string;
        /** @enum {string} */
        __schema291: "dlq-replay" | "reprocess";
        /** @enum {string} */
        __schema292: "running" | "succeeded" | "failed";
        /** @description What the job was asked to do. */
        __schema293: {
            [key: string]: components["schemas"]["__schema295"];
        };
        __schema294: string;
        __schema295: unknown;
        __schema296: {
            /** @description Records handled so far. */
            done: number;
            /** @description Records the job planned to read (0 until planned). */
            total: number;
        };
        /** @description The counts the job ended with; null while running or when it failed. */
        __schema297: components["schemas"]["__schema298"] | null;
        __schema298: {
            [key: string]: number;
        };
        __schema299: string | null;
        __schema300: components["schemas"]["__schema100"] | null;
        __schema301: components["schemas"]["CollectionRun"][];
        __schema302: string;
        /** @description Where the run’s state is. */
        __schema303: string;
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
                    Link?: components["schemas"]["__schema85"];
                    /** @description On exports: the most rows this stream holds. */
                    "X-Export-Max-Rows"?: components["schemas"]["__schema86"];
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
    listPrices: {
        parameters: {
            query?: {
                provider?: components["schemas"]["__schema40"][];
                service?: components["schemas"]["__schema41"][];
                category?: components["schemas"]["__schema42"][];
                region?: components["schemas"]["__schema43"][];
                unit?: components["schemas"]["__schema41"][];
                sku?: components["schemas"]["__schema44"][];
                priceType?: components["schemas"]["__schema45"];
                term?: components["schemas"]["__schema47"];
                purchaseOption?: components["schemas"]["__schema48"];
                currency?: components["schemas"]["__schema49"];
                instanceType?: components["schemas"]["__schema51"];
                operatingSystem?: components["schemas"]["__schema52"];
                tenancy?: components["schemas"]["__schema53"];
                storageClass?: components["schemas"]["__schema54"];
                /** @description At least this many vCPUs (prices that list vCPUs). */
                minVcpu?: components["schemas"]["__schema55"];
                /** @description At most this many vCPUs. */
                maxVcpu?: components["schemas"]["__schema57"];
                /** @description At least this much memory, GiB. */
                minMemoryGib?: components["schemas"]["__schema58"];
                /** @description At most this much memory, GiB. */
                maxMemoryGib?: components["schemas"]["__schema59"];
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of prices. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PricesPage"];
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
    comparePrices: {
        parameters: {
            query: {
                /** @description Service category. */
                category: components["schemas"]["__schema60"];
                /** @description Sluice region id. */
                region: components["schemas"]["__schema61"];
                /** @description Canonical unit, e.g. hour. */
                unit: components["schemas"]["__schema62"];
                priceType?: components["schemas"]["__schema45"];
                term?: components["schemas"]["__schema47"];
                purchaseOption?: components["schemas"]["__schema48"];
                currency?: components["schemas"]["__schema49"];
                instanceType?: components["schemas"]["__schema51"];
                operatingSystem?: components["schemas"]["__schema52"];
                tenancy?: components["schemas"]["__schema53"];
                storageClass?: components["schemas"]["__schema54"];
                /** @description At least this many vCPUs (prices that list vCPUs). */
                minVcpu?: components["schemas"]["__schema55"];
                /** @description At most this many vCPUs. */
                maxVcpu?: components["schemas"]["__schema57"];
                /** @description At least this much memory, GiB. */
                minMemoryGib?: components["schemas"]["__schema58"];
                /** @description At most this much memory, GiB. */
                maxMemoryGib?: components["schemas"]["__schema59"];
                provider?: components["schemas"]["__schema40"][];
                /** @description Prices per provider, cheapest first (default 10). */
                limit?: components["schemas"]["__schema8"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prices per provider, cheapest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceComparison"];
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
    cheapestPrices: {
        parameters: {
            query: {
                /** @description Service category. */
                category: components["schemas"]["__schema60"];
                /** @description Sluice region id. */
                region: components["schemas"]["__schema61"];
                /** @description Canonical unit, e.g. hour. */
                unit: components["schemas"]["__schema62"];
                priceType?: components["schemas"]["__schema45"];
                term?: components["schemas"]["__schema47"];
                purchaseOption?: components["schemas"]["__schema48"];
                currency?: components["schemas"]["__schema49"];
                instanceType?: components["schemas"]["__schema51"];
                operatingSystem?: components["schemas"]["__schema52"];
                tenancy?: components["schemas"]["__schema53"];
                storageClass?: components["schemas"]["__schema54"];
                /** @description At least this many vCPUs (prices that list vCPUs). */
                minVcpu?: components["schemas"]["__schema55"];
                /** @description At most this many vCPUs. */
                maxVcpu?: components["schemas"]["__schema57"];
                /** @description At least this much memory, GiB. */
                minMemoryGib?: components["schemas"]["__schema58"];
                /** @description At most this much memory, GiB. */
                maxMemoryGib?: components["schemas"]["__schema59"];
                /** @description How many, cheapest first over every provider (default 10). */
                limit?: components["schemas"]["__schema8"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cheapest first, over every provider. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheapestPrices"];
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
    priceHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Id of any version of the price. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The versions, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceHistory"];
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
    listProviders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every provider. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Providers"];
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
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every category. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Categories"];
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
    listRegions: {
        parameters: {
            query?: {
                /** @description Only regions this provider has. */
                provider?: components["schemas"]["__schema40"];
                country?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The regions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Regions"];
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
    listCollectionRuns: {
        parameters: {
            query?: {
                provider?: components["schemas"]["__schema63"];
                status?: components["schemas"]["__schema64"];
                limit?: components["schemas"]["__schema65"];
                cursor?: components["schemas"]["__schema66"];
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
                topic?: components["schemas"]["__schema67"];
                reason?: string;
                stage?: string;
                /** @description The transport source (prefix, e.g. mqtt:), the telemetry source (http, mqtt, …) or the price provider (aws, azure). */
                source?: components["schemas"]["__schema68"];
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
                topic: components["schemas"]["__schema67"];
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
                provider?: components["schemas"]["__schema63"];
                status?: components["schemas"]["__schema64"];
                limit?: components["schemas"]["__schema65"];
                cursor?: components["schemas"]["__schema66"];
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
                runId: components["schemas"]["__schema83"];
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
                runId: components["schemas"]["__schema83"];
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
                runId: components["schemas"]["__schema83"];
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
                events?: components["schemas"]["__schema84"][];
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
