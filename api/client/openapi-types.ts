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
        /** Topics with their sizes and the health of the components in this process (the dashboard’s data) */
        get: operations["getOverview"];
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
        ReadingsPage: {
            data: components["schemas"]["__schema65"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One normalized reading. An NDJSON export has one of these per line; a CSV export the same columns (qualityFlags joined with ";", nulls empty). */
        Reading: {
            eventId: components["schemas"]["__schema66"];
            source: components["schemas"]["__schema67"];
            deviceId: components["schemas"]["__schema68"];
            siteId: components["schemas"]["__schema69"];
            metric: components["schemas"]["__schema70"];
            value: components["schemas"]["__schema71"];
            unit: components["schemas"]["__schema72"];
            originalValue: components["schemas"]["__schema73"];
            originalUnit: components["schemas"]["__schema75"];
            sourceTime: components["schemas"]["__schema77"];
            receivedAt: components["schemas"]["__schema79"];
            qualityLevel: components["schemas"]["__schema80"];
            qualityScore: components["schemas"]["__schema81"];
            qualityFlags: components["schemas"]["__schema82"];
            siteName: components["schemas"]["__schema84"];
            deviceType: components["schemas"]["__schema86"];
            traceId: components["schemas"]["__schema88"];
        };
        PageInfo: {
            limit: components["schemas"]["__schema89"];
            next: components["schemas"]["__schema90"];
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            type: components["schemas"]["__schema92"];
            title: components["schemas"]["__schema93"];
            status: components["schemas"]["__schema94"];
            detail: components["schemas"]["__schema95"];
            instance: components["schemas"]["__schema96"];
            requestId: components["schemas"]["__schema97"];
            invalidParams?: components["schemas"]["__schema98"];
        };
        InvalidParameter: {
            name: components["schemas"]["__schema99"];
            reason: components["schemas"]["__schema100"];
        };
        Aggregates: {
            granularity: components["schemas"]["__schema101"];
            from: components["schemas"]["__schema78"];
            to: components["schemas"]["__schema78"];
            series: components["schemas"]["__schema102"];
        };
        AggregateSeries: {
            deviceId: components["schemas"]["__schema103"];
            metric: components["schemas"]["__schema104"];
            unit: components["schemas"]["__schema105"];
            points: components["schemas"]["__schema106"];
        };
        AggregatePoint: {
            bucket: components["schemas"]["__schema107"];
            count: components["schemas"]["__schema108"];
            min: components["schemas"]["__schema109"];
            max: components["schemas"]["__schema110"];
            avg: components["schemas"]["__schema111"];
            last: components["schemas"]["__schema112"];
        };
        LatestPage: {
            data: components["schemas"]["__schema113"];
            page: components["schemas"]["PageInfo"];
        };
        DevicesPage: {
            data: components["schemas"]["__schema114"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description An entry of the device registry that the telemetry processor enriches readings from. */
        Device: {
            deviceId: components["schemas"]["__schema115"];
            siteId: components["schemas"]["__schema116"];
            siteName: components["schemas"]["__schema118"];
            deviceType: components["schemas"]["__schema120"];
            latitude: components["schemas"]["__schema121"];
            longitude: components["schemas"]["__schema123"];
            expectedUnit: components["schemas"]["__schema125"];
            tags: components["schemas"]["__schema127"];
            createdAt: components["schemas"]["__schema78"];
            updatedAt: components["schemas"]["__schema78"];
        };
        PricesPage: {
            data: components["schemas"]["__schema130"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One version of a cloud price. */
        Price: {
            id: components["schemas"]["__schema131"];
            provider: components["schemas"]["__schema132"];
            service: components["schemas"]["__schema133"];
            category: components["schemas"]["__schema134"];
            region: components["schemas"]["__schema135"];
            regionName: components["schemas"]["__schema136"];
            regionMapped: components["schemas"]["__schema137"];
            providerRegion: components["schemas"]["__schema138"];
            providerRegionName: components["schemas"]["__schema140"];
            sku: components["schemas"]["__schema141"];
            product: components["schemas"]["__schema142"];
            pricePerUnitUsd: components["schemas"]["__schema143"];
            unit: components["schemas"]["__schema145"];
            originalAmount: components["schemas"]["__schema146"];
            currency: components["schemas"]["__schema147"];
            originalUnit: components["schemas"]["__schema148"];
            usdRate: components["schemas"]["__schema149"];
            usdRateDate: components["schemas"]["__schema150"];
            priceType: components["schemas"]["__schema151"];
            term: components["schemas"]["__schema152"];
            purchaseOption: components["schemas"]["__schema153"];
            offeringClass: components["schemas"]["__schema154"];
            amortized: components["schemas"]["__schema155"];
            tierStart: components["schemas"]["__schema156"];
            tierEnd: components["schemas"]["__schema157"];
            instanceType: components["schemas"]["__schema158"];
            vcpu: components["schemas"]["__schema159"];
            memoryGib: components["schemas"]["__schema160"];
            operatingSystem: components["schemas"]["__schema161"];
            tenancy: components["schemas"]["__schema162"];
            storageClass: components["schemas"]["__schema163"];
            effectiveFrom: components["schemas"]["__schema78"];
            effectiveTo: components["schemas"]["__schema164"];
            collectionId: components["schemas"]["__schema165"];
            fetchedAt: components["schemas"]["__schema78"];
        };
        PriceComparison: {
            category: components["schemas"]["__schema134"];
            region: components["schemas"]["__schema166"];
            regionName: components["schemas"]["__schema167"];
            unit: components["schemas"]["__schema168"];
            priceType: components["schemas"]["__schema169"];
            providers: components["schemas"]["__schema170"];
        };
        CheapestPrices: {
            category: components["schemas"]["__schema134"];
            region: components["schemas"]["__schema166"];
            regionName: components["schemas"]["__schema167"];
            unit: components["schemas"]["__schema168"];
            priceType: components["schemas"]["__schema169"];
            prices: components["schemas"]["__schema171"];
        };
        PriceHistory: {
            id: components["schemas"]["__schema172"];
            versions: components["schemas"]["__schema173"];
        };
        Providers: {
            data: components["schemas"]["__schema174"];
        };
        Provider: {
            id: components["schemas"]["__schema132"];
            regions: components["schemas"]["__schema175"];
            lastRun: components["schemas"]["__schema176"];
        };
        Categories: {
            data: components["schemas"]["__schema178"];
        };
        Category: {
            id: components["schemas"]["__schema134"];
            name: components["schemas"]["__schema179"];
        };
        Regions: {
            data: components["schemas"]["__schema180"];
        };
        /** @description A Sluice region: one place, with every provider’s codes for it. */
        Region: {
            id: components["schemas"]["__schema181"];
            name: components["schemas"]["__schema182"];
            country: components["schemas"]["__schema183"];
            providers: components["schemas"]["__schema185"];
        };
        CollectionRunsPage: {
            data: components["schemas"]["__schema187"];
            page: components["schemas"]["PageInfo"];
        };
        CollectionRun: {
            runId: components["schemas"]["__schema188"];
            provider: components["schemas"]["__schema189"];
            status: components["schemas"]["__schema190"];
            filters: components["schemas"]["__schema191"];
            pages: components["schemas"]["__schema194"];
            items: components["schemas"]["__schema195"];
            published: components["schemas"]["__schema196"];
            failed: components["schemas"]["__schema197"];
            itemsPerSecond: components["schemas"]["__schema198"];
            error: components["schemas"]["__schema199"];
            processing: components["schemas"]["__schema200"];
            startedAt: components["schemas"]["__schema78"];
            finishedAt: components["schemas"]["__schema204"];
            updatedAt: components["schemas"]["__schema78"];
        };
        Overview: {
            generatedAt: components["schemas"]["__schema205"];
            kafka: components["schemas"]["__schema206"];
            topics: components["schemas"]["__schema207"];
            components: components["schemas"]["__schema208"];
        };
        __schema63: string;
        __schema64: string;
        __schema65: components["schemas"]["Reading"][];
        /** @description Deterministic id of the reading, the same in every topic and table. */
        __schema66: string;
        /** @description Protocol it arrived by: http, mqtt, opcua, modbus, file. */
        __schema67: string;
        __schema68: string;
        __schema69: string | null;
        /** @description Canonical metric name. */
        __schema70: string;
        /** @description Value in the canonical unit. */
        __schema71: number;
        /** @description Canonical unit (degC, kPa, m3/s, kWh, kW, …). */
        __schema72: string;
        /** @description Value as the device sent it. */
        __schema73: components["schemas"]["__schema74"] | null;
        __schema74: number;
        /** @description Unit as the device sent it. */
        __schema75: components["schemas"]["__schema76"] | null;
        __schema76: string;
        /** @description When the reading was taken (UTC, milliseconds). */
        __schema77: components["schemas"]["__schema78"];
        /**
         * Format: date-time
         * @description UTC instant, ISO 8601.
         * @example 2026-11-21T08:15:30.250Z
         */
        __schema78: string;
        /** @description When Sluice received it (UTC; seconds on ClickHouse 18.16). */
        __schema79: components["schemas"]["__schema78"];
        /** @enum {string} */
        __schema80: "measured" | "estimated" | "rough";
        /** @description 0 (worthless) to 1 (fully trusted). */
        __schema81: number;
        /** @description Why the score was lowered (unknown_device, stale, …). */
        __schema82: components["schemas"]["__schema83"][];
        __schema83: string;
        /** @description From the device registry when the reading was processed. */
        __schema84: components["schemas"]["__schema85"] | null;
        __schema85: string;
        /** @description From the device registry when the reading was processed. */
        __schema86: components["schemas"]["__schema87"] | null;
        __schema87: string;
        __schema88: string | null;
        /** @description The page size used (after capping). */
        __schema89: number;
        /** @description Relative URL of the next page (also in the Link header); null on the last page. */
        __schema90: components["schemas"]["__schema91"] | null;
        __schema91: string;
        /** @description URI naming the kind of problem (urn:sluice:problem:<kind>). */
        __schema92: string;
        __schema93: string;
        __schema94: number;
        __schema95: string;
        /** @description The request path. */
        __schema96: string;
        /** @description Id of the request, also in the X-Request-Id header and the logs. */
        __schema97: string;
        __schema98: components["schemas"]["InvalidParameter"][];
        /** @description Where: a query or path parameter, a body field path, or a GraphQL argument. */
        __schema99: string;
        __schema100: string;
        /** @enum {string} */
        __schema101: "minute" | "hour" | "day";
        __schema102: components["schemas"]["AggregateSeries"][];
        __schema103: string;
        __schema104: string;
        __schema105: string;
        __schema106: components["schemas"]["AggregatePoint"][];
        /** @description Start of the bucket (UTC). */
        __schema107: components["schemas"]["__schema78"];
        __schema108: number;
        __schema109: number;
        __schema110: number;
        __schema111: number;
        /** @description The value of the bucket’s latest reading. */
        __schema112: number;
        /** @description The latest reading of each device and metric, by device then metric. */
        __schema113: components["schemas"]["Reading"][];
        __schema114: components["schemas"]["Device"][];
        __schema115: string;
        /** @description Site the device belongs to; readings without a site id get it. */
        __schema116: components["schemas"]["__schema117"] | null;
        /** @example plant-north */
        __schema117: string;
        /** @description Site display name. */
        __schema118: components["schemas"]["__schema119"] | null;
        __schema119: string;
        /** @description Device type, e.g. pt100-sensor. */
        __schema120: components["schemas"]["__schema119"] | null;
        /** @description WGS84 degrees. */
        __schema121: components["schemas"]["__schema122"] | null;
        __schema122: number;
        /** @description WGS84 degrees. */
        __schema123: components["schemas"]["__schema124"] | null;
        __schema124: number;
        /** @description Unit the device should send; a reading in another unit is flagged unit_mismatch. */
        __schema125: components["schemas"]["__schema126"] | null;
        __schema126: string;
        /** @description Free-form tags, carried into every reading’s enrichment. */
        __schema127: {
            [key: string]: components["schemas"]["__schema129"];
        };
        __schema128: string;
        __schema129: string;
        __schema130: components["schemas"]["Price"][];
        /** @description Id of this version of the price (its event id). */
        __schema131: string;
        /** @enum {string} */
        __schema132: "aws" | "azure";
        __schema133: string;
        /** @enum {string} */
        __schema134: "GENERAL" | "NETWORKING" | "COMPUTE_WEB" | "CONTAINERS" | "DATABASES" | "STORAGE" | "AI_ML" | "ANALYTICS_IOT" | "VIRTUAL_DESKTOP" | "DEV_TOOLS" | "INTEGRATION" | "MIGRATION" | "MANAGEMENT";
        /** @description Sluice region id; <provider>:<code> when the region table does not know it. */
        __schema135: string;
        __schema136: string;
        __schema137: boolean;
        /** @description The provider’s region code. */
        __schema138: components["schemas"]["__schema139"] | null;
        __schema139: string;
        __schema140: string | null;
        /** @description The provider’s natural key of the price. */
        __schema141: string;
        __schema142: string | null;
        /** @description USD per canonical unit, exact. */
        __schema143: components["schemas"]["__schema144"];
        /**
         * @description Exact decimal, as text (never a float).
         * @example 0.096
         */
        __schema144: string;
        __schema145: string;
        /** @description The price as listed, in its currency per its unit. */
        __schema146: components["schemas"]["__schema144"];
        __schema147: string;
        __schema148: string;
        /** @description USD per one unit of the currency used (1 for USD). */
        __schema149: components["schemas"]["__schema144"] | null;
        __schema150: string | null;
        /** @enum {string} */
        __schema151: "on_demand" | "reservation" | "spot" | "savings_plan" | "dev_test";
        __schema152: string | null;
        __schema153: string | null;
        __schema154: string | null;
        /** @description True when a whole-term amount was spread over the term’s hours. */
        __schema155: boolean;
        __schema156: number;
        __schema157: number | null;
        __schema158: string | null;
        __schema159: number | null;
        __schema160: number | null;
        __schema161: string | null;
        __schema162: string | null;
        __schema163: string | null;
        /** @description When the next version took effect; null while current. */
        __schema164: components["schemas"]["__schema78"] | null;
        /** @description The collection run that fetched it. */
        __schema165: string;
        __schema166: string;
        __schema167: string | null;
        __schema168: string;
        __schema169: components["schemas"]["__schema151"][];
        __schema170: {
            provider: components["schemas"]["__schema132"];
            /** @description The provider’s cheapest current prices of the kind, cheapest first. */
            prices: components["schemas"]["Price"][];
        }[];
        /** @description Cheapest first, over every provider. */
        __schema171: components["schemas"]["Price"][];
        __schema172: string;
        /** @description Every version of the price, oldest first. */
        __schema173: components["schemas"]["Price"][];
        __schema174: components["schemas"]["Provider"][];
        /** @description Sluice regions the region table maps for it. */
        __schema175: number;
        /** @description Its latest price collection run. */
        __schema176: components["schemas"]["__schema177"] | null;
        __schema177: {
            runId: string;
            status: string;
            startedAt: components["schemas"]["__schema78"];
            finishedAt: components["schemas"]["__schema78"] | null;
        };
        __schema178: components["schemas"]["Category"][];
        __schema179: string;
        __schema180: components["schemas"]["Region"][];
        __schema181: string;
        __schema182: string;
        /** @description ISO 3166 country code; null for global. */
        __schema183: components["schemas"]["__schema184"] | null;
        __schema184: string;
        /** @description Each provider’s own codes and names of this place (empty: it has none there). */
        __schema185: {
            [key: string]: components["schemas"]["__schema186"];
        };
        __schema186: {
            code: string | null;
            name: string;
        }[];
        __schema187: components["schemas"]["CollectionRun"][];
        __schema188: string;
        /** @enum {string} */
        __schema189: "aws" | "azure";
        /** @enum {string} */
        __schema190: "running" | "succeeded" | "failed" | "cancelled";
        /** @description What the run collected (provider filters). */
        __schema191: {
            [key: string]: components["schemas"]["__schema193"];
        };
        __schema192: string;
        __schema193: unknown;
        __schema194: number;
        __schema195: number;
        __schema196: number;
        /** @description Pages that failed. */
        __schema197: number;
        __schema198: number | null;
        __schema199: string | null;
        /** @description What the pricing processor made of the run’s events so far; null before it reported. */
        __schema200: components["schemas"]["__schema201"] | null;
        __schema201: {
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
                [key: string]: components["schemas"]["__schema203"];
            };
        };
        __schema202: string;
        __schema203: number;
        __schema204: components["schemas"]["__schema78"] | null;
        __schema205: string;
        __schema206: {
            reachable: boolean;
            error?: string;
        };
        __schema207: {
            topic: string;
            partitions: number;
            /** @description Messages retained now (high minus low watermark, over partitions). */
            messages: number;
            /** @description High watermarks summed: every message ever written (the dashboard’s rate). */
            endOffset: number;
        }[];
        __schema208: {
            name: string;
            /** @enum {string} */
            state: "ready" | "degraded" | "down";
            reason?: string;
        }[];
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
                    Link?: components["schemas"]["__schema63"];
                    /** @description On exports: the most rows this stream holds. */
                    "X-Export-Max-Rows"?: components["schemas"]["__schema64"];
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
                provider?: "aws" | "azure";
                status?: "running" | "succeeded" | "failed" | "cancelled";
                limit?: components["schemas"]["__schema8"];
                cursor?: components["schemas"]["__schema9"];
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
}
