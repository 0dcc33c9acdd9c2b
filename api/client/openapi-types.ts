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
        ReadingsPage: {
            data: components["schemas"]["__schema42"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description One normalized reading. An NDJSON export has one of these per line; a CSV export the same columns (qualityFlags joined with ";", nulls empty). */
        Reading: {
            eventId: components["schemas"]["__schema43"];
            source: components["schemas"]["__schema44"];
            deviceId: components["schemas"]["__schema45"];
            siteId: components["schemas"]["__schema46"];
            metric: components["schemas"]["__schema47"];
            value: components["schemas"]["__schema48"];
            unit: components["schemas"]["__schema49"];
            originalValue: components["schemas"]["__schema50"];
            originalUnit: components["schemas"]["__schema52"];
            sourceTime: components["schemas"]["__schema54"];
            receivedAt: components["schemas"]["__schema56"];
            qualityLevel: components["schemas"]["__schema57"];
            qualityScore: components["schemas"]["__schema58"];
            qualityFlags: components["schemas"]["__schema59"];
            siteName: components["schemas"]["__schema61"];
            deviceType: components["schemas"]["__schema63"];
            traceId: components["schemas"]["__schema65"];
        };
        PageInfo: {
            limit: components["schemas"]["__schema66"];
            next: components["schemas"]["__schema67"];
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            type: components["schemas"]["__schema69"];
            title: components["schemas"]["__schema70"];
            status: components["schemas"]["__schema71"];
            detail: components["schemas"]["__schema72"];
            instance: components["schemas"]["__schema73"];
            requestId: components["schemas"]["__schema74"];
            invalidParams?: components["schemas"]["__schema75"];
        };
        InvalidParameter: {
            name: components["schemas"]["__schema76"];
            reason: components["schemas"]["__schema77"];
        };
        Aggregates: {
            granularity: components["schemas"]["__schema78"];
            from: components["schemas"]["__schema55"];
            to: components["schemas"]["__schema55"];
            series: components["schemas"]["__schema79"];
        };
        AggregateSeries: {
            deviceId: components["schemas"]["__schema80"];
            metric: components["schemas"]["__schema81"];
            unit: components["schemas"]["__schema82"];
            points: components["schemas"]["__schema83"];
        };
        AggregatePoint: {
            bucket: components["schemas"]["__schema84"];
            count: components["schemas"]["__schema85"];
            min: components["schemas"]["__schema86"];
            max: components["schemas"]["__schema87"];
            avg: components["schemas"]["__schema88"];
            last: components["schemas"]["__schema89"];
        };
        LatestPage: {
            data: components["schemas"]["__schema90"];
            page: components["schemas"]["PageInfo"];
        };
        DevicesPage: {
            data: components["schemas"]["__schema91"];
            page: components["schemas"]["PageInfo"];
        };
        /** @description An entry of the device registry that the telemetry processor enriches readings from. */
        Device: {
            deviceId: components["schemas"]["__schema92"];
            siteId: components["schemas"]["__schema93"];
            siteName: components["schemas"]["__schema95"];
            deviceType: components["schemas"]["__schema97"];
            latitude: components["schemas"]["__schema98"];
            longitude: components["schemas"]["__schema100"];
            expectedUnit: components["schemas"]["__schema102"];
            tags: components["schemas"]["__schema104"];
            createdAt: components["schemas"]["__schema55"];
            updatedAt: components["schemas"]["__schema55"];
        };
        CollectionRunsPage: {
            data: components["schemas"]["__schema107"];
            page: components["schemas"]["PageInfo"];
        };
        CollectionRun: {
            runId: components["schemas"]["__schema108"];
            provider: components["schemas"]["__schema109"];
            status: components["schemas"]["__schema110"];
            filters: components["schemas"]["__schema111"];
            pages: components["schemas"]["__schema114"];
            items: components["schemas"]["__schema115"];
            published: components["schemas"]["__schema116"];
            failed: components["schemas"]["__schema117"];
            itemsPerSecond: components["schemas"]["__schema118"];
            error: components["schemas"]["__schema119"];
            startedAt: components["schemas"]["__schema55"];
            finishedAt: components["schemas"]["__schema120"];
            updatedAt: components["schemas"]["__schema55"];
        };
        Overview: {
            generatedAt: components["schemas"]["__schema121"];
            kafka: components["schemas"]["__schema122"];
            topics: components["schemas"]["__schema123"];
            components: components["schemas"]["__schema124"];
        };
        __schema40: string;
        __schema41: string;
        __schema42: components["schemas"]["Reading"][];
        /** @description Deterministic id of the reading, the same in every topic and table. */
        __schema43: string;
        /** @description Protocol it arrived by: http, mqtt, opcua, modbus, file. */
        __schema44: string;
        __schema45: string;
        __schema46: string | null;
        /** @description Canonical metric name. */
        __schema47: string;
        /** @description Value in the canonical unit. */
        __schema48: number;
        /** @description Canonical unit (degC, kPa, m3/s, kWh, kW, …). */
        __schema49: string;
        /** @description Value as the device sent it. */
        __schema50: components["schemas"]["__schema51"] | null;
        __schema51: number;
        /** @description Unit as the device sent it. */
        __schema52: components["schemas"]["__schema53"] | null;
        __schema53: string;
        /** @description When the reading was taken (UTC, milliseconds). */
        __schema54: components["schemas"]["__schema55"];
        /**
         * Format: date-time
         * @description UTC instant, ISO 8601.
         * @example 2026-11-21T08:15:30.250Z
         */
        __schema55: string;
        /** @description When Sluice received it (UTC; seconds on ClickHouse 18.16). */
        __schema56: components["schemas"]["__schema55"];
        /** @enum {string} */
        __schema57: "measured" | "estimated" | "rough";
        /** @description 0 (worthless) to 1 (fully trusted). */
        __schema58: number;
        /** @description Why the score was lowered (unknown_device, stale, …). */
        __schema59: components["schemas"]["__schema60"][];
        __schema60: string;
        /** @description From the device registry when the reading was processed. */
        __schema61: components["schemas"]["__schema62"] | null;
        __schema62: string;
        /** @description From the device registry when the reading was processed. */
        __schema63: components["schemas"]["__schema64"] | null;
        __schema64: string;
        __schema65: string | null;
        /** @description The page size used (after capping). */
        __schema66: number;
        /** @description Relative URL of the next page (also in the Link header); null on the last page. */
        __schema67: components["schemas"]["__schema68"] | null;
        __schema68: string;
        /** @description URI naming the kind of problem (urn:sluice:problem:<kind>). */
        __schema69: string;
        __schema70: string;
        __schema71: number;
        __schema72: string;
        /** @description The request path. */
        __schema73: string;
        /** @description Id of the request, also in the X-Request-Id header and the logs. */
        __schema74: string;
        __schema75: components["schemas"]["InvalidParameter"][];
        /** @description Where: a query or path parameter, a body field path, or a GraphQL argument. */
        __schema76: string;
        __schema77: string;
        /** @enum {string} */
        __schema78: "minute" | "hour" | "day";
        __schema79: components["schemas"]["AggregateSeries"][];
        __schema80: string;
        __schema81: string;
        __schema82: string;
        __schema83: components["schemas"]["AggregatePoint"][];
        /** @description Start of the bucket (UTC). */
        __schema84: components["schemas"]["__schema55"];
        __schema85: number;
        __schema86: number;
        __schema87: number;
        __schema88: number;
        /** @description The value of the bucket’s latest reading. */
        __schema89: number;
        /** @description The latest reading of each device and metric, by device then metric. */
        __schema90: components["schemas"]["Reading"][];
        __schema91: components["schemas"]["Device"][];
        __schema92: string;
        /** @description Site the device belongs to; readings without a site id get it. */
        __schema93: components["schemas"]["__schema94"] | null;
        /** @example plant-north */
        __schema94: string;
        /** @description Site display name. */
        __schema95: components["schemas"]["__schema96"] | null;
        __schema96: string;
        /** @description Device type, e.g. pt100-sensor. */
        __schema97: components["schemas"]["__schema96"] | null;
        /** @description WGS84 degrees. */
        __schema98: components["schemas"]["__schema99"] | null;
        __schema99: number;
        /** @description WGS84 degrees. */
        __schema100: components["schemas"]["__schema101"] | null;
        __schema101: number;
        /** @description Unit the device should send; a reading in another unit is flagged unit_mismatch. */
        __schema102: components["schemas"]["__schema103"] | null;
        __schema103: string;
        /** @description Free-form tags, carried into every reading’s enrichment. */
        __schema104: {
            [key: string]: components["schemas"]["__schema106"];
        };
        __schema105: string;
        __schema106: string;
        __schema107: components["schemas"]["CollectionRun"][];
        __schema108: string;
        /** @enum {string} */
        __schema109: "aws" | "azure";
        /** @enum {string} */
        __schema110: "running" | "succeeded" | "failed" | "cancelled";
        /** @description What the run collected (provider filters). */
        __schema111: {
            [key: string]: components["schemas"]["__schema113"];
        };
        __schema112: string;
        __schema113: unknown;
        __schema114: number;
        __schema115: number;
        __schema116: number;
        /** @description Pages that failed. */
        __schema117: number;
        __schema118: number | null;
        __schema119: string | null;
        __schema120: components["schemas"]["__schema55"] | null;
        __schema121: string;
        __schema122: {
            reachable: boolean;
            error?: string;
        };
        __schema123: {
            topic: string;
            partitions: number;
            /** @description Messages retained now (high minus low watermark, over partitions). */
            messages: number;
            /** @description High watermarks summed: every message ever written (the dashboard’s rate). */
            endOffset: number;
        }[];
        __schema124: {
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
                    Link?: components["schemas"]["__schema40"];
                    /** @description On exports: the most rows this stream holds. */
                    "X-Export-Max-Rows"?: components["schemas"]["__schema41"];
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
