/**
 * Normalized regions: one id per place, whatever each provider calls it (AWS region code, AWS
 * location name, Azure armRegionName, Azure location). Unknown names pass through slugged.
 */
const regionRows: [id: string, name: string, aliases: string[]][] = [
  ['us-east', 'US East', ['us-east-1', 'eastus', 'US East', 'US East (N. Virginia)']],
  ['us-east-2', 'US East 2', ['us-east-2', 'eastus2', 'US East 2', 'US East (Ohio)']],
  ['us-central', 'US Central', ['centralus', 'US Central']],
  ['us-north-central', 'US North Central', ['northcentralus', 'US North Central']],
  ['us-south-central', 'US South Central', ['southcentralus', 'US South Central']],
  ['us-west', 'US West', ['us-west-1', 'westus', 'US West', 'US West (N. California)']],
  ['us-west-2', 'US West 2', ['us-west-2', 'westus2', 'US West 2', 'US West (Oregon)']],
  ['us-west-3', 'US West 3', ['westus3', 'US West 3']],
  ['canada-central', 'Canada Central', ['ca-central-1', 'canadacentral', 'CA Central', 'Canada (Central)']],
  ['brazil-south', 'Brazil South', ['sa-east-1', 'brazilsouth', 'BR South', 'South America (Sao Paulo)']],
  [
    'eu-ireland',
    'Europe (Ireland)',
    ['eu-west-1', 'northeurope', 'EU North', 'EU (Ireland)', 'Europe (Ireland)'],
  ],
  ['eu-netherlands', 'Europe (Netherlands)', ['westeurope', 'EU West']],
  [
    'eu-frankfurt',
    'Europe (Frankfurt)',
    ['eu-central-1', 'germanywestcentral', 'DE West Central', 'EU (Frankfurt)', 'Europe (Frankfurt)'],
  ],
  ['eu-london', 'Europe (London)', ['eu-west-2', 'uksouth', 'UK South', 'EU (London)', 'Europe (London)']],
  [
    'eu-paris',
    'Europe (Paris)',
    ['eu-west-3', 'francecentral', 'FR Central', 'EU (Paris)', 'Europe (Paris)'],
  ],
  [
    'eu-stockholm',
    'Europe (Stockholm)',
    ['eu-north-1', 'swedencentral', 'SE Central', 'EU (Stockholm)', 'Europe (Stockholm)'],
  ],
  ['asia-tokyo', 'Asia Pacific (Tokyo)', ['ap-northeast-1', 'japaneast', 'JA East', 'Asia Pacific (Tokyo)']],
  [
    'asia-seoul',
    'Asia Pacific (Seoul)',
    ['ap-northeast-2', 'koreacentral', 'KR Central', 'Asia Pacific (Seoul)'],
  ],
  [
    'asia-singapore',
    'Asia Pacific (Singapore)',
    ['ap-southeast-1', 'southeastasia', 'AP Southeast', 'Asia Pacific (Singapore)'],
  ],
  [
    'asia-hong-kong',
    'Asia Pacific (Hong Kong)',
    ['ap-east-1', 'eastasia', 'AP East', 'Asia Pacific (Hong Kong)'],
  ],
  [
    'asia-mumbai',
    'Asia Pacific (Mumbai)',
    ['ap-south-1', 'centralindia', 'IN Central', 'Asia Pacific (Mumbai)'],
  ],
  [
    'australia-sydney',
    'Australia (Sydney)',
    ['ap-southeast-2', 'australiaeast', 'AU East', 'Asia Pacific (Sydney)'],
  ],
  ['global', 'Global', ['global', 'Global', 'Any', 'AWS GovCloud (global)']],
];

export interface Region {
  id: string;
  name: string;
}

const regionIndex = new Map<string, Region>();
for (const [id, name, aliases] of regionRows) {
  for (const alias of [id, ...aliases]) regionIndex.set(alias.toLowerCase(), { id, name });
}

export function normalizeRegion(original: string | null): Region {
  const text = original?.trim() ?? '';
  if (text === '') return { id: 'global', name: 'Global' };
  const known = regionIndex.get(text.toLowerCase());
  if (known) return known;
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return { id: slug || 'global', name: text };
}
