/** Adds `value` to the list `map` holds under `key` (made on first use): grouping in one pass, no copies. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
