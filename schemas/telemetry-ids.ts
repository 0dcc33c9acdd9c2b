/**
 * What a device or site id may be, for every side that takes one (the processor validates
 * readings with it, the API device registry and filters too). Ids reach SQL, URLs, file names
 * and dashboards: letters, digits and . _ : @ - only.
 */
export const telemetryIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const telemetryIdMaxLength = 128;
