import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badgeOf, describeFeature, summarize } from '../lib/home/format.js';

const on = { name: 'docs', enabled: true, reason: 'enabled', backend: { kind: 'embedded', name: 'Guide' }, health: { ok: true, detail: 'ok' } };
const sick = { ...on, name: 'stac', health: { ok: false, detail: 'database down' } };
const off = { name: 'dashboard', enabled: false, reason: 'disabled by configuration' };

test('badge follows enabled and health', () => {
  assert.equal(badgeOf(on), 'ok');
  assert.equal(badgeOf(sick), 'warn');
  assert.equal(badgeOf(off), 'off');
});

test('description names backend and health, or why a feature is off', () => {
  assert.equal(describeFeature(on), 'embedded (Guide) · healthy');
  assert.equal(describeFeature(sick), 'embedded (Guide) · unhealthy: database down');
  assert.equal(describeFeature(off), 'off: disabled by configuration');
});

test('summary counts on, off and unhealthy features', () => {
  assert.deepEqual(summarize([on, sick, off]), { on: 2, off: 1, unhealthy: 1 });
  assert.deepEqual(summarize([]), { on: 0, off: 0, unhealthy: 0 });
});
