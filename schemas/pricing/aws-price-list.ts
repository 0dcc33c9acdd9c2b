/**
 * The AWS Price List as AWS documents it, in its two forms: the bulk offer files (offer index →
 * region index → one offer file per service and region, JSON over plain HTTPS) and the Price List
 * Query API (`GetProducts`, whose `PriceList` holds one JSON string per product). Collectors publish
 * one raw event per price dimension as a `PriceList` element narrowed to that term and dimension
 * (`AwsPriceListItem`), whichever form it came from; processors read it with these types.
 */

/** A product: its SKU, family and attributes (all strings: `vcpu: "2"`, `memory: "8 GiB"`). */
export interface AwsProduct {
  sku: string;
  productFamily?: string;
  attributes: Record<string, string>;
}

/** One price of a term. `pricePerUnit` maps a currency code to a decimal string. */
export interface AwsPriceDimension {
  rateCode: string;
  description: string;
  /** Tier bounds in `unit`; absent on upfront fees (`unit: "Quantity"`); `endRange` may be "Inf". */
  beginRange?: string;
  endRange?: string;
  /** Hrs, GB-Mo, GB, Requests, Quantity, … */
  unit: string;
  pricePerUnit: Record<string, string>;
  appliesTo: string[];
}

/** A term: OnDemand, or Reserved with LeaseContractLength, PurchaseOption and OfferingClass. */
export interface AwsTerm {
  offerTermCode: string;
  sku: string;
  effectiveDate: string;
  priceDimensions: Record<string, AwsPriceDimension>;
  termAttributes: Record<string, string>;
}

/** Term type (OnDemand, Reserved) → the terms keyed `<sku>.<offerTermCode>`, as in a PriceList element. */
export type AwsTermsByType = Record<string, Record<string, AwsTerm>>;

/** One element of GetProducts' `PriceList` (a JSON string): a product with all its terms. */
export interface AwsPriceListItem {
  product: AwsProduct;
  serviceCode: string;
  terms: AwsTermsByType;
  version: string;
  publicationDate: string;
}

/** The answer of GetProducts (awsJson1.1). */
export interface AwsGetProductsResponse {
  FormatVersion: string;
  PriceList: string[];
  NextToken?: string;
}

/** `/offers/v1.0/aws/index.json`: every service's offer. */
export interface AwsOfferIndex {
  formatVersion: string;
  disclaimer: string;
  publicationDate: string;
  offers: Record<
    string,
    {
      offerCode: string;
      versionIndexUrl: string;
      currentVersionUrl: string;
      currentRegionIndexUrl?: string;
      savingsPlanVersionIndexUrl?: string;
      currentSavingsPlanIndexUrl?: string;
    }
  >;
}

/** `/offers/v1.0/aws/<service>/current/region_index.json`: the service's offer file per region. */
export interface AwsRegionIndex {
  formatVersion: string;
  disclaimer: string;
  publicationDate: string;
  regions: Record<string, { regionCode: string; currentVersionUrl: string }>;
}

/**
 * A per-region offer file. Products come first, then terms by type and product SKU
 * (`terms.<type>.<sku>.<sku>.<offerTermCode>`): one level deeper than in a PriceList element.
 */
export interface AwsOfferFile {
  formatVersion: string;
  disclaimer: string;
  offerCode: string;
  version: string;
  publicationDate: string;
  products: Record<string, AwsProduct>;
  terms: Record<string, Record<string, Record<string, AwsTerm>>>;
}
