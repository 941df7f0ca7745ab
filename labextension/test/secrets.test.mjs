import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBinding, parseHosts, usageSnippet } from '../lib/secrets/format.js';

test('usage snippet reads the secret by name and never holds a value', () => {
  const snippet = usageSnippet({ name: 'STAC_TOKEN', inject: true });
  assert.equal(snippet, 'from polartep_lab import secrets\nvalue = secrets.get("STAC_TOKEN")');
  const hint = usageSnippet({ name: 'DB_PW', inject: false });
  assert.match(hint, /not injected/);
  assert.match(hint, /secrets\.get\("DB_PW"\)/);
});

test('hosts are split on commas and spaces', () => {
  assert.deepEqual(parseHosts(' a.org, *.b.org  c.org,,'), ['a.org', '*.b.org', 'c.org']);
  assert.deepEqual(parseHosts(''), []);
});

test('binding description names the header when one is used', () => {
  assert.equal(describeBinding(['a.org'], 'bearer', null), 'sent to a.org (bearer)');
  assert.equal(describeBinding(['a.org', 'b.org'], 'header', 'X-API-Key'), 'sent to a.org, b.org (X-API-Key)');
  assert.equal(describeBinding([], 'basic', null), '');
});
