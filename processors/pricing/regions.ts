import { globalRegionId, type ProviderLocation, regionTable } from '../../schemas/pricing/regions.ts';
import type { CloudProvider } from '../../schemas/types.ts';

/** Where a price is: a Sluice region from the table, or the provider's own code when the table does not know it. */
export interface ResolvedRegion {
  id: string;
  name: string;
  /** False when the table does not know the provider's code or name: kept as given, never guessed. */
  mapped: boolean;
}

interface ProviderIndex {
  byCode: Map<string, ResolvedRegion>;
  byName: Map<string, ResolvedRegion>;
}

const key = (text: string) => text.trim().toLowerCase();

function addOnce(
  index: Map<string, ResolvedRegion>,
  text: string,
  region: ResolvedRegion,
  what: string,
): void {
  const existing = index.get(key(text));
  if (existing && existing.id !== region.id) {
    throw new Error(`region table: ${what} "${text}" is listed under ${existing.id} and ${region.id}`);
  }
  index.set(key(text), region);
}

/** Codes and names are looked up per provider only: Azure's "US East" never meets AWS's names. */
function buildIndexes(): Record<CloudProvider, ProviderIndex> {
  const indexes: Record<CloudProvider, ProviderIndex> = {
    aws: { byCode: new Map(), byName: new Map() },
    azure: { byCode: new Map(), byName: new Map() },
  };
  for (const row of regionTable) {
    const region = { id: row.id, name: row.name, mapped: true };
    for (const provider of ['aws', 'azure'] as const) {
      const locations: ProviderLocation[] = row[provider];
      for (const { code, name } of locations) {
        if (code !== null) addOnce(indexes[provider].byCode, code, region, `${provider} code`);
        addOnce(indexes[provider].byName, name, region, `${provider} name`);
      }
    }
  }
  return indexes;
}

const indexes = buildIndexes();

const globalRegion: ResolvedRegion = {
  id: globalRegionId,
  name: regionTable.find((row) => row.id === globalRegionId)?.name ?? 'Global',
  mapped: true,
};

/**
 * The Sluice region of a provider's region code (Azure armRegionName, AWS regionCode) or, when the
 * item has no code, its display name. An empty code and name is a price without a region: global.
 * An unknown code or name stays the provider's own (`aws:xx-mars-1`), flagged unmapped.
 */
export function resolveRegion(
  provider: CloudProvider,
  code: string | null,
  name: string | null,
): ResolvedRegion {
  const index = indexes[provider];
  const codeText = code?.trim() ?? '';
  const nameText = name?.trim() ?? '';
  if (codeText !== '') {
    return (
      index.byCode.get(key(codeText)) ?? {
        id: `${provider}:${codeText}`,
        name: nameText || codeText,
        mapped: false,
      }
    );
  }
  const byName = index.byName.get(key(nameText));
  if (byName) return byName;
  if (nameText === '') return globalRegion;
  return { id: `${provider}:${nameText}`, name: nameText, mapped: false };
}
