import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsOfferFiles, azureRetailPages } from '../../schemas/fixtures/pricing/index.ts';
import { JsonMembers } from './json-members.ts';

/** The selected members of `text`, fed in chunks of `size` bytes. */
function members(text: string, select: (path: readonly string[]) => boolean, size = 7) {
  const found: [string, string][] = [];
  const scanner = new JsonMembers(select, (path, value) =>
    found.push([path.join('.'), value.toString('utf8')]),
  );
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) scanner.write(bytes.subarray(at, at + size));
  scanner.end();
  return found;
}

describe('JsonMembers', () => {
  it('cuts out array elements and members as their exact bytes, whatever the chunking', () => {
    const text =
      '{"A":"Items","Items":[ {"s":"a\\\\\\"]},["} ,[1,{"b":[]}],"x", 2 ,null,-1.5e3],"Items2":[9],"é":"ü"}';
    for (const size of [1, 2, 3, 7, 1000]) {
      assert.deepEqual(
        members(text, (path) => path.length === 2 && path[0] === 'Items', size),
        [
          ['Items.0', '{"s":"a\\\\\\"]},["}'],
          ['Items.1', '[1,{"b":[]}]'],
          ['Items.2', '"x"'],
          ['Items.3', '2'],
          ['Items.4', 'null'],
          ['Items.5', '-1.5e3'],
        ],
        `chunks of ${size}`,
      );
    }
    assert.deepEqual(
      members(text, (path) => path.length === 1 && path[0] !== 'Items'),
      [
        ['A', '"Items"'],
        ['Items2', '[9]'],
        ['é', '"ü"'],
      ],
    );
  });

  it('reads the fixtures: every Azure item verbatim, every product and SKU-terms object of an offer file', () => {
    const page = azureRetailPages.USD[0];
    const items = members(page?.text ?? '', (path) => path.length === 2 && path[0] === 'Items', 100);
    assert.equal(items.length, page?.body.Items.length);
    assert.deepEqual(
      items.map(([, item]) => JSON.parse(item)),
      page?.body.Items,
    );
    const file = awsOfferFiles['AmazonEC2/us-east-1'];
    const found = members(
      file?.text ?? '',
      (path) => (path.length === 2 && path[0] === 'products') || (path.length === 3 && path[0] === 'terms'),
      997,
    );
    const products = Object.keys(file?.body.products ?? {});
    assert.deepEqual(
      found.filter(([path]) => path.startsWith('products.')).map(([path]) => path),
      products.map((sku) => `products.${sku}`),
    );
    for (const [path, value] of found.filter(([key]) => key.startsWith('terms.'))) {
      const [, type = '', sku = ''] = path.split('.');
      assert.deepEqual(JSON.parse(value), file?.body.terms[type]?.[sku]);
    }
  });

  it('refuses a body that is not a JSON document, or is cut short', () => {
    const none = () => false;
    assert.throws(() => members('<html><body>Service Unavailable</body></html>', none), /starts with "<"/);
    assert.throws(() => members('{"Items":[{"a":1}', none), /ends inside Items/);
    assert.throws(() => members('{"Items":[1}', none), /mismatched bracket/);
    assert.throws(() => members('', none), /empty/);
  });
});
