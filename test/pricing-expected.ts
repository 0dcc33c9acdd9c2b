import type { CloudProvider, PriceType, ServiceCategory } from '../schemas/types.ts';

/**
 * What every price of the documented-shape fixtures (schemas/fixtures/pricing) must become, worked
 * out by hand from the fixture files (whole-term amounts spread over 8,760 hours a year, EUR at
 * the default rate 1.08, exact to 12 places, half to even): the pure fixture test and the end-to-end
 * tests compare what comes out of the stages, and out of PostgreSQL and ClickHouse, with these rows.
 */
export interface ExpectedPrice {
  provider: CloudProvider;
  /** The raw event's natural key (Azure meterId/skuId/type/term/tier; AWS sku/offerTermCode/rateCode). */
  sku: string;
  currency: string;
  region: string;
  category: ServiceCategory;
  priceType: PriceType;
  term: string | null;
  purchaseOption: string | null;
  unit: string;
  pricePerUnitUsd: string;
  tierStart: number;
}

type Row = [
  sku: string,
  region: string,
  category: ServiceCategory,
  priceType: PriceType,
  term: string | null,
  purchaseOption: string | null,
  unit: string,
  pricePerUnitUsd: string,
  tierStart: number,
];

function prices(provider: CloudProvider, currency: string, rows: Row[]): ExpectedPrice[] {
  return rows.map(
    ([sku, region, category, priceType, term, purchaseOption, unit, pricePerUnitUsd, tierStart]) => ({
      provider,
      sku,
      currency,
      region,
      category,
      priceType,
      term,
      purchaseOption,
      unit,
      pricePerUnitUsd,
      tierStart,
    }),
  );
}

/** The Azure catalogue in USD: 16 items (page 2 repeats page 1's last) and the D2s v5's two savings plans. */
// biome-ignore format: one price a line
export const azureUsdPrices = prices('azure', 'USD', [
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/Consumption//0', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.096', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/SavingsPlan/3 Years/0', 'us-virginia', 'COMPUTE_WEB', 'savings_plan', '3 Years', null, 'hour', '0.048', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/SavingsPlan/1 Year/0', 'us-virginia', 'COMPUTE_WEB', 'savings_plan', '1 Year', null, 'hour', '0.0672', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/03RM/Reservation/1 Year/0', 'us-virginia', 'COMPUTE_WEB', 'reservation', '1 Year', null, 'hour', '0.060159817352', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/03RN/Reservation/3 Years/0', 'us-virginia', 'COMPUTE_WEB', 'reservation', '3 Years', null, 'hour', '0.038508371385', 0],
  ['b9f2d0a3-6f2a-5e3c-9f7e-2b7e2a1f4c10/DZH318Z0BQ4W/00KD/Consumption//0', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.188', 0],
  ['b9f2d0a3-6f2a-5e3c-9f7e-2b7e2a1f4c10/DZH318Z0BQ4W/00KF/DevTestConsumption//0', 'us-virginia', 'COMPUTE_WEB', 'dev_test', null, null, 'hour', '0.096', 0],
  ['0f7a4c52-91d4-5b0a-b3e1-7d2c8e6f5a94/DZH318Z0BQPS/00V4/Consumption//0', 'nl-amsterdam', 'COMPUTE_WEB', 'spot', null, null, 'hour', '0.0211', 0],
  ['c2d81e5f-44a9-5f6b-8c1d-3e9b7a2f6d08/DZH318Z0BQPS/00W1/Consumption//0', 'in-pune', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.2', 0],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//0', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.0184', 0],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//51200', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.0177', 51200],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//512000', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.017', 512000],
  ['8a1b2c3d-4e5f-5061-9273-8495a6b7c8d9/DZH318Z0BNXX/003D/Consumption//0', 'us-washington', 'STORAGE', 'on_demand', null, null, '1M requests', '5.5', 0],
  ['9995d93a-7d35-4d3f-9c69-7a7fea447ef4/DZH318Z0BNVX/0001/Consumption//0', 'global', 'NETWORKING', 'on_demand', null, null, 'GB', '0', 0],
  ['9995d93a-7d35-4d3f-9c69-7a7fea447ef4/DZH318Z0BNVX/0001/Consumption//100', 'global', 'NETWORKING', 'on_demand', null, null, 'GB', '0.087', 100],
  ['e4f5a6b7-c8d9-5eaf-b0c1-d2e3f4a5b6c7/DZH318Z0BP9K/0001/Consumption//0', 'global', 'NETWORKING', 'on_demand', null, null, 'month', '0.5', 0],
  ['5c6d7e8f-9a0b-5c1d-8e2f-3a4b5c6d7e8f/DZH318Z0BNT7/0002/Consumption//0', 'global', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.046', 0],
  ['f1e2d3c4-b5a6-5978-8695-a4b3c2d1e0f9/DZH318Z0BQ5F/0007/Consumption//0', 'gb-london', 'DATABASES', 'on_demand', null, null, 'hour', '0.5044', 0],
]);

/** The same catalogue in EUR: USD = EUR × 1.08 (PROCESSOR_PRICING_USD_RATES), dated PROCESSOR_PRICING_USD_RATES_DATE. */
// biome-ignore format: one price a line
export const azureEurPrices = prices('azure', 'EUR', [
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/Consumption//0', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.096012', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/SavingsPlan/3 Years/0', 'us-virginia', 'COMPUTE_WEB', 'savings_plan', '3 Years', null, 'hour', '0.047952', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/SavingsPlan/1 Year/0', 'us-virginia', 'COMPUTE_WEB', 'savings_plan', '1 Year', null, 'hour', '0.067176', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/03RM/Reservation/1 Year/0', 'us-virginia', 'COMPUTE_WEB', 'reservation', '1 Year', null, 'hour', '0.060159452055', 0],
  ['4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/03RN/Reservation/3 Years/0', 'us-virginia', 'COMPUTE_WEB', 'reservation', '3 Years', null, 'hour', '0.038508493151', 0],
  ['b9f2d0a3-6f2a-5e3c-9f7e-2b7e2a1f4c10/DZH318Z0BQ4W/00KD/Consumption//0', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.188028', 0],
  ['b9f2d0a3-6f2a-5e3c-9f7e-2b7e2a1f4c10/DZH318Z0BQ4W/00KF/DevTestConsumption//0', 'us-virginia', 'COMPUTE_WEB', 'dev_test', null, null, 'hour', '0.096012', 0],
  ['0f7a4c52-91d4-5b0a-b3e1-7d2c8e6f5a94/DZH318Z0BQPS/00V4/Consumption//0', 'nl-amsterdam', 'COMPUTE_WEB', 'spot', null, null, 'hour', '0.02106', 0],
  ['c2d81e5f-44a9-5f6b-8c1d-3e9b7a2f6d08/DZH318Z0BQPS/00W1/Consumption//0', 'in-pune', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.200016', 0],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//0', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.01836', 0],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//51200', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.017712', 51200],
  ['3d5e7c1a-2b4f-5a6d-9e8c-1f0a2b3c4d5e/DZH318Z0BNXX/003D/Consumption//512000', 'us-washington', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.016956', 512000],
  ['8a1b2c3d-4e5f-5061-9273-8495a6b7c8d9/DZH318Z0BNXX/003D/Consumption//0', 'us-washington', 'STORAGE', 'on_demand', null, null, '1M requests', '5.4972', 0],
  ['9995d93a-7d35-4d3f-9c69-7a7fea447ef4/DZH318Z0BNVX/0001/Consumption//0', 'global', 'NETWORKING', 'on_demand', null, null, 'GB', '0', 0],
  ['9995d93a-7d35-4d3f-9c69-7a7fea447ef4/DZH318Z0BNVX/0001/Consumption//100', 'global', 'NETWORKING', 'on_demand', null, null, 'GB', '0.087048', 100],
  ['e4f5a6b7-c8d9-5eaf-b0c1-d2e3f4a5b6c7/DZH318Z0BP9K/0001/Consumption//0', 'global', 'NETWORKING', 'on_demand', null, null, 'month', '0.50004', 0],
  ['5c6d7e8f-9a0b-5c1d-8e2f-3a4b5c6d7e8f/DZH318Z0BNT7/0002/Consumption//0', 'global', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.046008', 0],
  ['f1e2d3c4-b5a6-5978-8695-a4b3c2d1e0f9/DZH318Z0BQ5F/0007/Consumption//0', 'gb-london', 'DATABASES', 'on_demand', null, null, 'hour', '0.50436', 0],
]);

/**
 * The bulk offer files (EC2 us-east-1 and eu-west-1, S3 us-east-1): one price per price dimension;
 * upfront fees (unit Quantity) spread over the term's hours (252 USD / 8,760 h, 1,372 USD / 26,280 h).
 */
// biome-ignore format: one price a line
export const awsBulkPrices = prices('aws', 'USD', [
  ['G7Z7NVFGR3PVR5BN/JRTCKXETXF/G7Z7NVFGR3PVR5BN.JRTCKXETXF.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.096', 0],
  ['QG5DWD9Q6Y2XPCUS/JRTCKXETXF/QG5DWD9Q6Y2XPCUS.JRTCKXETXF.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.188', 0],
  ['3M86JWNYP8BSN55W/JRTCKXETXF/3M86JWNYP8BSN55W.JRTCKXETXF.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.106', 0],
  ['E4XUY8Q3CKMV7HJY/JRTCKXETXF/E4XUY8Q3CKMV7HJY.JRTCKXETXF.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'on_demand', null, null, 'GB-month', '0.08', 0],
  ['YPVJVHEZ9JJBNV2S/JRTCKXETXF/YPVJVHEZ9JJBNV2S.JRTCKXETXF.8EEUB22XNJ', 'us-virginia', 'NETWORKING', 'on_demand', null, null, 'GB', '0', 0],
  ['YPVJVHEZ9JJBNV2S/JRTCKXETXF/YPVJVHEZ9JJBNV2S.JRTCKXETXF.N9EW5UVVPA', 'us-virginia', 'NETWORKING', 'on_demand', null, null, 'GB', '0.09', 1],
  ['YPVJVHEZ9JJBNV2S/JRTCKXETXF/YPVJVHEZ9JJBNV2S.JRTCKXETXF.GPHXDESFBB', 'us-virginia', 'NETWORKING', 'on_demand', null, null, 'GB', '0.085', 10240],
  ['YPVJVHEZ9JJBNV2S/JRTCKXETXF/YPVJVHEZ9JJBNV2S.JRTCKXETXF.QY3YSEST3C', 'us-virginia', 'NETWORKING', 'on_demand', null, null, 'GB', '0.07', 51200],
  ['G7Z7NVFGR3PVR5BN/4NA7Y494T4/G7Z7NVFGR3PVR5BN.4NA7Y494T4.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'reservation', '1 Year', 'No Upfront', 'hour', '0.06', 0],
  ['G7Z7NVFGR3PVR5BN/HU7G6KETJZ/G7Z7NVFGR3PVR5BN.HU7G6KETJZ.2TG2D8R56U', 'us-virginia', 'COMPUTE_WEB', 'reservation', '1 Year', 'Partial Upfront', 'hour', '0.028767123288', 0],
  ['G7Z7NVFGR3PVR5BN/HU7G6KETJZ/G7Z7NVFGR3PVR5BN.HU7G6KETJZ.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'reservation', '1 Year', 'Partial Upfront', 'hour', '0.029', 0],
  ['G7Z7NVFGR3PVR5BN/NQ3QZPMQV9/G7Z7NVFGR3PVR5BN.NQ3QZPMQV9.2TG2D8R56U', 'us-virginia', 'COMPUTE_WEB', 'reservation', '3 Years', 'All Upfront', 'hour', '0.052207001522', 0],
  ['G7Z7NVFGR3PVR5BN/NQ3QZPMQV9/G7Z7NVFGR3PVR5BN.NQ3QZPMQV9.6YS6EN2CT7', 'us-virginia', 'COMPUTE_WEB', 'reservation', '3 Years', 'All Upfront', 'hour', '0', 0],
  ['8RNKKJ6BWVMKRJ8C/JRTCKXETXF/8RNKKJ6BWVMKRJ8C.JRTCKXETXF.6YS6EN2CT7', 'ie-dublin', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.107', 0],
  ['8RNKKJ6BWVMKRJ8C/4NA7Y494T4/8RNKKJ6BWVMKRJ8C.4NA7Y494T4.6YS6EN2CT7', 'ie-dublin', 'COMPUTE_WEB', 'reservation', '1 Year', 'No Upfront', 'hour', '0.067', 0],
  ['WP9ANXZGBYYSGJEA/JRTCKXETXF/WP9ANXZGBYYSGJEA.JRTCKXETXF.PGHJ3S3EYE', 'us-virginia', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.023', 0],
  ['WP9ANXZGBYYSGJEA/JRTCKXETXF/WP9ANXZGBYYSGJEA.JRTCKXETXF.D42MF2PVJS', 'us-virginia', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.022', 51200],
  ['WP9ANXZGBYYSGJEA/JRTCKXETXF/WP9ANXZGBYYSGJEA.JRTCKXETXF.7ZWVRD9TZ4', 'us-virginia', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.021', 512000],
  ['JDQPUWNWP5M9WCHH/JRTCKXETXF/JDQPUWNWP5M9WCHH.JRTCKXETXF.PWMJKBBZXN', 'us-virginia', 'STORAGE', 'on_demand', null, null, '1M requests', '5', 0],
  ['7S2KHSPBBP6K2T6Z/JRTCKXETXF/7S2KHSPBBP6K2T6Z.JRTCKXETXF.MVU4WQKUBP', 'us-virginia', 'STORAGE', 'on_demand', null, null, 'GB-month', '0.00099', 0],
]);

/** The three GetProducts pages (AmazonEC2, chained by NextToken). */
// biome-ignore format: one price a line
export const awsQueryPrices = prices('aws', 'USD', [
  ['N5RNWQ6CN4XNWVHD/JRTCKXETXF/N5RNWQ6CN4XNWVHD.JRTCKXETXF.6YS6EN2CT7', 'us-oregon', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.0104', 0],
  ['N5RNWQ6CN4XNWVHD/4NA7Y494T4/N5RNWQ6CN4XNWVHD.4NA7Y494T4.6YS6EN2CT7', 'us-oregon', 'COMPUTE_WEB', 'reservation', '1 Year', 'No Upfront', 'hour', '0.0065', 0],
  ['XWCTMRRUJM7TWAJR/JRTCKXETXF/XWCTMRRUJM7TWAJR.JRTCKXETXF.6YS6EN2CT7', 'in-mumbai', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.0776', 0],
  ['VQ6X4BFSYJJXWZBS/JRTCKXETXF/VQ6X4BFSYJJXWZBS.JRTCKXETXF.6YS6EN2CT7', 'de-frankfurt', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.19', 0],
  ['9S5DZUUBZP4CEVEB/JRTCKXETXF/9S5DZUUBZP4CEVEB.JRTCKXETXF.6YS6EN2CT7', 'us-oregon', 'COMPUTE_WEB', 'on_demand', null, null, 'GB-month', '0.1', 0],
  ['PMDFBZ3QJ8M5Q3GV/JRTCKXETXF/PMDFBZ3QJ8M5Q3GV.JRTCKXETXF.6YS6EN2CT7', 'ca-montreal', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.107', 0],
  ['PMDFBZ3QJ8M5Q3GV/38NPMPTW36/PMDFBZ3QJ8M5Q3GV.38NPMPTW36.2TG2D8R56U', 'ca-montreal', 'COMPUTE_WEB', 'reservation', '3 Years', 'Partial Upfront', 'hour', '0.034322678843', 0],
  ['PMDFBZ3QJ8M5Q3GV/38NPMPTW36/PMDFBZ3QJ8M5Q3GV.38NPMPTW36.6YS6EN2CT7', 'ca-montreal', 'COMPUTE_WEB', 'reservation', '3 Years', 'Partial Upfront', 'hour', '0.034', 0],
  ['CHK2V9X6M2ETX7RC/JRTCKXETXF/CHK2V9X6M2ETX7RC.JRTCKXETXF.6YS6EN2CT7', 'br-sao-paulo', 'COMPUTE_WEB', 'on_demand', null, null, 'hour', '0.273', 0],
]);

/** Decimals from either database compare with the text above once trimmed ('0.096000000000' → '0.096'). */
export { decimalText } from '../lib/postgres.ts';
