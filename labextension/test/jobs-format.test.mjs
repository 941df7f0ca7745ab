import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, fieldText, parseField, processId, progressText } from '../lib/jobs/format.js';

test('form fields round-trip values of each parameter type', () => {
  assert.equal(parseField('year', 'integer', fieldText('integer', 2024)), 2024);
  assert.equal(parseField('t', 'number', '0.15'), 0.15);
  assert.equal(parseField('region', 'string', fieldText('string', 'arctic')), 'arctic');
  assert.equal(parseField('dry', 'boolean', 'true'), true);
  assert.deepEqual(parseField('bbox', 'array', fieldText('array', [0, 60, 10, 90])), [0, 60, 10, 90]);
  assert.equal(parseField('x', 'any', 'compute()'), 'compute()');
});

test('a field of the wrong type names the parameter', () => {
  assert.throws(() => parseField('year', 'integer', '20.5'), /year: expected integer/);
  assert.throws(() => parseField('t', 'number', 'high'), /t: expected number/);
  assert.throws(() => parseField('bands', 'array', '[1,'), /bands: expected array/);
});

test('progress and durations read naturally', () => {
  assert.equal(progressText(3, 5), '3/5 cells');
  assert.equal(progressText(0, 0), '');
  assert.equal(duration(4.2), '4 s');
  assert.equal(duration(125), '2 min 5 s');
  assert.equal(duration(3720), '1 h 2 min');
});

test('a process id is proposed from the notebook name, in the allowed characters', () => {
  assert.equal(processId('analysis/sea ice extent.ipynb'), 'sea-ice-extent');
  assert.equal(processId('_draft (2).ipynb'), 'draft-2-');
  assert.equal(processId('Ånalyse.ipynb'), 'nalyse');
  assert.match(processId('x'.repeat(100) + '.ipynb'), /^x{64}$/);
  assert.equal(processId('???.ipynb'), 'notebook');
});
