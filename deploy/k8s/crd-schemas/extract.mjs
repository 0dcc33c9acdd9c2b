// Writes the openAPIV3Schema of each CustomResourceDefinition in the given files as
// <group>_<kind>_<version>.json beside this script, without descriptions (they are most of the
// size and validation does not read them): `node extract.mjs crd.yaml…` (see README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const withoutDescriptions = (node) =>
  Array.isArray(node)
    ? node.map(withoutDescriptions)
    : node && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([key, value]) => !(key === 'description' && typeof value === 'string'))
            .map(([key, value]) => [key, withoutDescriptions(value)]),
        )
      : node;

for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = document.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const name = `${crd.spec.group}_${crd.spec.names.kind}_${version.name}.json`;
      writeFileSync(
        new URL(name, import.meta.url),
        `${JSON.stringify(withoutDescriptions(version.schema.openAPIV3Schema))}\n`,
      );
      console.log(name);
    }
  }
}
